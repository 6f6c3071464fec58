"""cueadmin against a real cuebot and real rqds: each command's effect (read back through the
API) and its output (golden tables, parsed JSON), confirmations, errors and exit codes."""
import subprocess
import unittest

import clitools
from clitools import run, run_bare
import cuefarm
from cuefarm import pb


class GoldenListings(cuefarm.FarmTestCase):
    """Listings of a fresh farm, before anything runs: stable enough for golden files."""
    RQDS = [cuefarm.RqdSpec("gold-a", cores=2)]

    def test_tables(self):
        for name, args in [("cueadmin_ls.txt", ["-ls"]), ("cueadmin_la.txt", ["-la"]),
                           ("cueadmin_lb.txt", ["-lb", "testing"]),
                           ("cueadmin_lba.txt", ["-lba", "local.general"]),
                           ("cueadmin_lv.txt", ["-lv"])]:
            r = run(self.farm, "cueadmin", *args)
            self.assertEqual(r.code, clitools.OK, r)
            self.assertEqual(r.err, "", r)
            clitools.assert_golden(self, name, r.out)

    def test_json_listings_parse(self):
        shows = run(self.farm, "cueadmin", "-ls", "-json").json()
        self.assertIn("testing", [s["name"] for s in shows])
        allocs = run(self.farm, "cueadmin", "-la", "--json").json()
        general = [a for a in allocs if a["name"] == "local.general"][0]
        self.assertEqual(general["hosts"], 1)
        self.assertEqual(general["cores"], 2.0)
        hosts = run(self.farm, "cueadmin", "-lh", "-json").json()
        self.assertEqual([h["name"] for h in hosts], ["gold-a"])
        self.assertEqual(hosts[0]["state"], "UP")
        self.assertEqual(hosts[0]["cores"], 2.0)


class AdminCommands(cuefarm.FarmTestCase):
    RQDS = [cuefarm.RqdSpec("adm-a", cores=2), cuefarm.RqdSpec("adm-b", cores=2)]

    def admin(self, *args, code=clitools.OK):
        r = run(self.farm, "cueadmin", *args)
        self.assertEqual(r.code, code, r)
        return r

    def sub(self, name):
        s = pb["subscription"]
        return self.farm.call("subscription.SubscriptionInterface", "Find",
                              s.SubscriptionFindRequest(name=name)).subscription

    def test_shows(self):
        self.admin("-create-show", "clishow", "-force")
        show = self.farm.find_show("clishow")
        self.assertTrue(show.active)
        self.admin("-disable-show", "clishow", "-force")
        self.assertFalse(self.farm.find_show("clishow").active)
        self.admin("-enable-show", "clishow", "-force")
        self.admin("-dispatching", "clishow", "off", "-force")
        self.admin("-booking", "clishow", "OFF", "-force")
        self.admin("-default-min-cores", "clishow", "2", "-force")
        self.admin("-default-max-cores", "clishow", "40", "-force")
        show = self.farm.find_show("clishow")
        self.assertTrue(show.active)
        self.assertFalse(show.dispatch_enabled)
        self.assertFalse(show.booking_enabled)
        self.assertEqual(show.default_min_cores, 2.0)
        self.assertEqual(show.default_max_cores, 40.0)
        self.admin("-dispatching", "clishow", "on")  # turning on needs no confirmation
        self.assertTrue(self.farm.find_show("clishow").dispatch_enabled)
        r = self.admin("-dispatching", "clishow", "maybe", code=clitools.USAGE)
        self.assertIn("expected ON or OFF", r.err)
        self.admin("-delete-show", "clishow", "-force")
        self.assertNotIn("clishow", [s["name"] for s in self.admin("-ls", "-json").json()])

    def test_subscriptions(self):
        self.admin("-create-show", "subshow", "-force")
        r = self.admin("-create-sub", "subshow", "local.general", "10", "20", "-force")
        self.assertIn("local.general.subshow", r.out)
        self.assertEqual(self.sub("local.general.subshow").size, 1000)  # core units
        self.admin("-size", "subshow", "local.general", "5")
        self.admin("-burst", "subshow", "local.general", "50%")
        s = self.sub("local.general.subshow")
        self.assertEqual((s.size, s.burst), (500, 750))
        listed = self.admin("-lb", "subshow", "-json").json()
        self.assertEqual([(x["allocation"], x["size"], x["burst"]) for x in listed],
                         [("local.general", 5.0, 7.5)])
        table = self.admin("-lb", "subshow").out
        self.assertIn("Subscriptions for subshow", table)
        self.assertRegex(table, r"local\.general\s+subshow\s+5\.0\s+7\.5\s+0\.00\s+0\.00%")
        # Without -force and without a terminal: refused, nothing deleted.
        r = self.admin("-delete-sub", "subshow", "local.general", code=clitools.USAGE)
        self.assertIn("-force", r.err)
        self.assertEqual(len(r.err.strip().splitlines()), 1, r)
        self.sub("local.general.subshow")
        self.admin("-delete-sub", "subshow", "local.general", "-force")
        self.assertEqual(self.admin("-lb", "subshow", "-json").json(), [])

    def test_allocations_and_hosts(self):
        self.admin("-create-alloc", "local", "render", "rtag", "-force")
        self.admin("-tag-alloc", "local.render", "rtag2", "-force")
        self.admin("-rename-alloc", "local.render", "local.farm", "-force")
        allocs = {a["name"]: a for a in self.admin("-la", "-json").json()}
        self.assertEqual(allocs["local.farm"]["tag"], "rtag2")
        self.admin("-host", "adm-a", "-move", "local.farm", "-force")
        self.assertEqual(self.farm.find_host("adm-a").alloc_name, "local.farm")
        self.admin("-transfer", "local.farm", "local.general", "-force")
        self.assertEqual(self.farm.find_host("adm-a").alloc_name, "local.general")
        self.admin("-delete-alloc", "local.farm", "-force")
        self.assertNotIn("local.farm", [a["name"] for a in self.admin("-la", "-json").json()])

        self.admin("-host", "adm-a", "-lock")
        self.assertEqual(pb["host"].LockState.Name(self.farm.find_host("adm-a").lock_state), "LOCKED")
        locked = self.admin("-lh", "-lock-state", "LOCKED", "-json").json()
        self.assertEqual([h["name"] for h in locked], ["adm-a"])
        self.admin("-host", "adm-a", "-unlock")
        self.admin("-hostmatch", "adm-", "-repair", "-force")
        states = {h.name: pb["host"].HardwareState.Name(h.state) for h in self.farm.hosts()}
        self.assertEqual(states, {"adm-a": "REPAIR", "adm-b": "REPAIR"})
        self.admin("-hostmatch", "adm-", "-fixed", "-force")
        self.admin("-host", "adm-b", "-thread", "all", "-force")
        self.assertEqual(pb["host"].ThreadMode.Name(self.farm.find_host("adm-b").thread_mode), "ALL")
        table = self.admin("-lh", "adm-b").out.splitlines()
        self.assertEqual(table[0].split()[:4], ["Host", "Load", "NIMBY", "freeMem"])
        self.assertTrue(table[1].startswith("adm-b"), table)
        self.assertEqual(table[1].split()[-4:], ["UP", "OPEN", "local.general", "ALL"])
        # One unknown host: nothing happens to the others.
        r = self.admin("-host", "adm-a", "nosuchhost", "-lock", code=clitools.NOT_FOUND)
        self.assertIn("nosuchhost", r.err)
        self.assertEqual(pb["host"].LockState.Name(self.farm.find_host("adm-a").lock_state), "OPEN")

    def test_jobs_and_procs(self):
        spec = cuefarm.simple_spec("admjob", layers=(("run", "sleep 120", "1-1"),
                                                     ("fail", "false", "1-1")))
        job = self.farm.launch(spec)[0]
        self.farm.wait_until(lambda: self.farm.frame_states(job) ==
                             {"0001-run": "RUNNING", "0001-fail": "DEAD"}, what="run and die")
        self.assertIn(job.name, self.admin("-lj", "admjob").out.splitlines())
        table = self.admin("-lji", "admjob").out.splitlines()
        self.assertEqual(table[0].split(), ["Job", "Group", "Booked", "Cores", "Wait", "Pri",
                                            "MinCores", "MaxCores"])
        self.assertEqual(table[1].split()[0], job.name)
        procs = self.admin("-lp", "-json").json()
        self.assertEqual([(p["job"], p["frame"]) for p in procs], [(job.name, "0001-run")])
        self.assertEqual(self.admin("-lp", "-memory", "gt100", "-json").json(), [])
        self.assertEqual(len(self.admin("-lp", "-job", job.name, "-duration", "lt1", "-json").json()), 1)
        logs = self.admin("-ll").out.split()
        self.assertEqual(len(logs), 1)
        self.assertTrue(logs[0].endswith(".rqlog"), logs)
        table = self.admin("-lp").out.splitlines()
        self.assertTrue(table[1].startswith("adm-"), table)

        self.admin("-pause", job.name)
        self.assertTrue(self.farm.get_job(job.id).is_paused)
        self.admin("-unpause", job.name)
        self.assertFalse(self.farm.get_job(job.id).is_paused)
        self.admin("-priority", job.name, "77", "-force")
        self.admin("-set-min-cores", job.name, "2", "-force")
        self.admin("-set-max-cores", job.name, "3.5", "-force")
        j = self.farm.get_job(job.id)
        self.assertEqual((j.priority, j.min_cores, j.max_cores), (77, 2.0, 3.5))
        self.admin("-retry", job.name, "-force")
        self.farm.wait_until(lambda: self.farm.frames(job, layers=["fail"])[0].retry_count >= 1,
                             what="the dead frame to run again")
        self.admin("-kill", job.name, "-force")
        self.farm.wait_until(lambda: self.farm.get_job(job.id).state == pb["job"].FINISHED,
                             what="the job to finish")
        r = self.admin("-pause", job.name, code=clitools.NOT_FOUND)
        self.assertEqual(len(r.err.strip().splitlines()), 1, r)

    def test_one_command_at_a_time(self):
        spec = cuefarm.simple_spec("onejob", paused=True)
        job = self.farm.launch(spec)[0]
        r = self.admin("-pause", job.name, "-kill", job.name, "-force", code=clitools.USAGE)
        self.assertIn("-pause and -kill", r.err)
        self.assertEqual(self.farm.get_job(job.id).state, pb["job"].PENDING)
        r = self.admin("-lock", code=clitools.USAGE)
        self.assertIn("-host or -hostmatch", r.err)
        r = self.admin("-lp", "-memory", "lots", code=clitools.USAGE)
        self.assertIn("-memory", r.err)
        r = self.admin("-size", "testing", "local.general", "1e12", code=clitools.USAGE)
        self.assertEqual(self.sub("local.general.testing").size, 100000)
        # One of two jobs missing: nothing is done to the other.
        r = self.admin("-unpause", job.name, "nosuchjob", code=clitools.NOT_FOUND)
        self.assertTrue(self.farm.get_job(job.id).is_paused)
        self.admin("-kill", job.name, "-force")

    def test_errors_and_cuebot_discovery(self):
        r = run_bare("cueadmin", "-no-such-flag")
        self.assertEqual(r.code, clitools.USAGE, r)
        self.assertEqual(r.err, "cueadmin: unknown flag -no-such-flag; see cueadmin --help\n")
        self.assertEqual(r.out, "")
        r = run_bare("cueadmin", "-size", "show")
        self.assertEqual(r.code, clitools.USAGE, r)
        self.assertIn("-size needs SHOW ALLOC SIZE", r.err)
        dead_socket, dead = clitools.refusing_address()
        self.addCleanup(dead_socket.close)
        r = run(self.farm, "cueadmin", "-ls", server=dead)
        self.assertEqual(r.code, clitools.UNAVAILABLE, r)
        self.assertEqual(len(r.err.splitlines()), 1, r)
        self.assertIn(dead, r.err)
        self.assertEqual(r.out, "")
        # The next cuebot takes over when the first is down; CUEBOT_HOSTS works the same.
        good = f"127.0.0.1:{self.farm.port}"
        r = run(self.farm, "cueadmin", "-ls", "-json", server=f"{dead},{good}")
        self.assertEqual(r.code, clitools.OK, r)
        r = run_bare("cueadmin", "-ls", "-json", env={"CUEBOT_HOSTS": f"{dead} {good}"})
        self.assertEqual(r.code, clitools.OK, r)
        self.assertIn("testing", [s["name"] for s in r.json()])
        r = self.admin("-lb", "nosuchshow", code=clitools.NOT_FOUND)
        self.assertEqual(len(r.err.splitlines()), 1, r)

    def test_help_and_completion(self):
        help_text = run_bare("cueadmin", "--help").out
        completion = run_bare("cueadmin", "--completion", "bash").out
        for flag in ["-server", "-facility", "-verbose", "-force", "-lj", "-laj", "-lji", "-ls",
                     "-la", "-lb", "-lba", "-lp", "-lap", "-ll", "-lal", "-host", "-alloc",
                     "-job", "-memory", "-duration", "-limit", "-lh", "-state", "-lock-state",
                     "-sort-idle", "-lv", "-create-show", "-delete-show", "-disable-show",
                     "-enable-show", "-dispatching", "-booking", "-default-min-cores",
                     "-default-max-cores", "-archive-show", "-create-alloc", "-delete-alloc",
                     "-rename-alloc", "-transfer", "-tag-alloc", "-create-sub", "-delete-sub",
                     "-size", "-burst", "-hostmatch", "-lock", "-unlock", "-move",
                     "-delete-host", "-safe-reboot", "-repair", "-fixed", "-thread", "-pause",
                     "-unpause", "-kill", "-kill-all", "-retry", "-retry-all", "-drop-depends",
                     "-set-min-cores", "-set-max-cores", "-priority", "-json"]:
            self.assertRegex(help_text, rf"(^|[ ,]){flag}\b", flag)
            self.assertIn(f" {flag} ", f" {completion} ".replace('"', " "), flag)
        check = subprocess.run(["bash", "-n"], input=completion, text=True, capture_output=True)
        self.assertEqual(check.returncode, 0, check.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
