#!/usr/bin/python3
"""The empty-request sweep: every client RPC of OpenCue's API, called with an empty message,
answers a status (never a crash, never a hang), and cuebot still serves afterwards. Also
counts the RPCs that answer something other than UNIMPLEMENTED and prints the ones that do
not, so the count in the docs comes from here."""
import sys

import grpc

import cuefarm
from cuefarm import pb

# Services a client calls (the rqd's and report services are host-side; OpenCue leaves
# MonitoringInterface unimplemented too).
HOST_SIDE = {"rqd.RqdInterface", "rqd.RunningFrame", "report.RqdReportInterface",
             "monitoring.MonitoringInterface"}


def client_methods():
    """(service full name, method name, input message class) of every client RPC."""
    out = []
    for name, module in sorted(pb.items()):
        for svc in module.DESCRIPTOR.services_by_name.values():
            if svc.full_name in HOST_SIDE or svc.full_name.startswith("cue.ext."):
                continue
            for m in svc.methods:
                request = getattr(sys.modules[m.input_type.file.name[:-6] + "_pb2"],
                                  m.input_type.name)
                out.append((svc.full_name, m.name, request))
    return out


class EmptyRequestSweep(cuefarm.FarmTestCase):
    RQDS = [cuefarm.RqdSpec("sweep-host", cores=2)]

    def test_every_client_rpc_answers_an_empty_request(self):
        methods = client_methods()
        self.assertEqual(len(methods), 276)
        # Something to act on, so that "empty" is tested on a farm that has work.
        self.farm.launch(cuefarm.simple_spec("sweep", paused=True))
        answered, unimplemented = 0, []
        for service, method, request in methods:
            try:
                self.farm.call(service, method, request(), timeout=10)
                code = grpc.StatusCode.OK
            except grpc.RpcError as e:
                code = e.code()
                self.assertNotEqual(code, grpc.StatusCode.DEADLINE_EXCEEDED,
                                    f"{service}/{method} hung")
                self.assertNotEqual(code, grpc.StatusCode.UNAVAILABLE,
                                    f"{service}/{method}: cuebot stopped serving")
                self.assertNotEqual(code, grpc.StatusCode.UNKNOWN,
                                    f"{service}/{method}: {e.details()}")
            if code == grpc.StatusCode.UNIMPLEMENTED:
                unimplemented.append(f"{service}/{method}")
            else:
                answered += 1
            self.assertTrue(self.farm.alive(), f"cuebot died on {service}/{method}")
        # OpenCue's access log: every call, method and caller, at debug level.
        log = self.farm.cuebot_log()
        self.assertRegex(log, r"rpc /show\.ShowInterface/GetShows from ipv4:127\.0\.0\.1:\d+")
        self.assertRegex(log, r"rpc /job\.JobInterface/GetJobs from ipv4:127\.0\.0\.1:\d+")
        # Still serving, and the job is still there.
        self.farm.find_job("testing-api-tester_sweep")
        print(f"\n{answered} of {len(methods)} client RPCs answer; UNIMPLEMENTED: "
              f"{len(unimplemented)}", file=sys.stderr)
        for name in unimplemented:
            print("  " + name, file=sys.stderr)


if __name__ == "__main__":
    cuefarm.main()
