"""Protocol tests of filter.FilterInterface, MatcherInterface and ActionInterface, and of the
filter engine: a show's enabled filters run, in order, on every job it launches.

Filters are created with show.ShowInterface.CreateFilter (OpenCue's only way to make one).
"""
import grpc

import cuefarm
from cuefarm import pb

F = "filter.FilterInterface"
M = "filter.MatcherInterface"
A = "filter.ActionInterface"
NF = grpc.StatusCode.NOT_FOUND
IA = grpc.StatusCode.INVALID_ARGUMENT

_counter = [0]


def unique(prefix):
    _counter[0] += 1
    return f"{prefix}{_counter[0]}"


class FilterTest(cuefarm.FarmTestCase):

    # ---- helpers ----
    def show(self):
        return self.farm.find_show("testing")

    def create_filter(self, name, type_=0):
        show_pb2 = pb["show"]
        return self.farm.call("show.ShowInterface", "CreateFilter",
                              show_pb2.ShowCreateFilterRequest(show=self.show(),
                                                               name=name)).filter

    def filters(self):
        show_pb2 = pb["show"]
        return list(self.farm.call("show.ShowInterface", "GetFilters",
                                   show_pb2.ShowGetFiltersRequest(show=self.show())
                                   ).filters.filters)

    def find(self, name):
        f = pb["filter"]
        return self.farm.call(F, "FindFilter", f.FilterFindFilterRequest(show="testing",
                                                                         name=name)).filter

    def add_matcher(self, flt, subject, type_, value):
        f = pb["filter"]
        return self.farm.call(F, "CreateMatcher", f.FilterCreateMatcherRequest(
            filter=flt, data=f.Matcher(subject=subject, type=type_, input=value))).matcher

    def add_action(self, flt, **kw):
        f = pb["filter"]
        return self.farm.call(F, "CreateAction", f.FilterCreateActionRequest(
            filter=flt, data=f.Action(**kw))).action

    def delete_all_filters(self):
        f = pb["filter"]
        try:
            existing = self.filters()
        except grpc.RpcError:
            return
        for flt in existing:
            self.farm.call(F, "Delete", f.FilterDeleteRequest(filter=flt))

    def tearDown(self):
        self.delete_all_filters()

    def launch(self, shot="api", user="tester", layers=(("main", "true", "1-2"),)):
        name = unique("filt")
        spec = cuefarm.simple_spec(name, shot=shot, user=user, layers=layers, paused=False)
        return self.farm.launch(spec)[0]

    # ---- CRUD, order ----
    def test_matchers_and_actions_round_trip(self):
        f = pb["filter"]
        flt = self.create_filter(unique("crud"))
        self.assertEqual(self.find(flt.name).id, flt.id)
        m = self.add_matcher(flt, f.SHOT, f.BEGINS_WITH, "sh0")
        a = self.add_action(flt, type=f.SET_JOB_PRIORITY, value_type=f.INTEGER_TYPE,
                            integer_value=77)
        stop = self.add_action(flt, type=f.STOP_PROCESSING, value_type=f.NONE_TYPE)
        self.assertTrue(m.id and a.id)
        matchers = self.farm.call(F, "GetMatchers",
                                  f.FilterGetMatchersRequest(filter=flt)).matchers.matchers
        self.assertEqual([(x.subject, x.type, x.input) for x in matchers],
                         [(f.SHOT, f.BEGINS_WITH, "sh0")])
        actions = self.farm.call(F, "GetActions",
                                 f.FilterGetActionsRequest(filter=flt)).actions.actions
        self.assertEqual([x.id for x in actions], [a.id, stop.id])
        self.assertEqual(actions[0].integer_value, 77)

        # Commit changes; parent filter; delete.
        m.input = "sh1"
        m.type = f.CONTAINS
        self.farm.call(M, "Commit", f.MatcherCommitRequest(matcher=m))
        got = self.farm.call(F, "GetMatchers",
                             f.FilterGetMatchersRequest(filter=flt)).matchers.matchers[0]
        self.assertEqual((got.type, got.input), (f.CONTAINS, "sh1"))
        a.integer_value = 5
        self.farm.call(A, "Commit", f.ActionCommitRequest(action=a))
        got = self.farm.call(F, "GetActions",
                             f.FilterGetActionsRequest(filter=flt)).actions.actions[0]
        self.assertEqual(got.integer_value, 5)
        self.assertEqual(self.farm.call(M, "GetParentFilter", f.MatcherGetParentFilterRequest(
            matcher=m)).filter.id, flt.id)
        self.assertEqual(self.farm.call(A, "GetParentFilter", f.ActionGetParentFilterRequest(
            action=a)).filter.id, flt.id)
        self.farm.call(M, "Delete", f.MatcherDeleteRequest(matcher=m))
        self.farm.call(A, "Delete", f.ActionDeleteRequest(action=a))
        self.assertEqual(len(self.farm.call(F, "GetMatchers", f.FilterGetMatchersRequest(
            filter=flt)).matchers.matchers), 0)
        self.assertEqual([x.id for x in self.farm.call(F, "GetActions", f.FilterGetActionsRequest(
            filter=flt)).actions.actions], [stop.id])
        self.assertCode(NF, M, "Delete", f.MatcherDeleteRequest(matcher=m))
        self.assertCode(NF, A, "GetParentFilter", f.ActionGetParentFilterRequest(action=a))

    def test_set_name_type_enabled(self):
        f = pb["filter"]
        flt = self.create_filter(unique("props"))
        new_name = unique("renamed")
        self.farm.call(F, "SetName", f.FilterSetNameRequest(filter=flt, name=new_name))
        self.farm.call(F, "SetType", f.FilterSetTypeRequest(filter=flt, type=f.MATCH_ALL))
        self.farm.call(F, "SetEnabled", f.FilterSetEnabledRequest(filter=flt, enabled=False))
        got = self.find(new_name)
        self.assertEqual((got.id, got.type, got.enabled), (flt.id, f.MATCH_ALL, False))
        self.assertCode(NF, F, "FindFilter", f.FilterFindFilterRequest(show="testing",
                                                                       name=flt.name))
        self.assertCode(IA, F, "SetName", f.FilterSetNameRequest(filter=flt, name=""))
        self.assertCode(IA, F, "SetType", f.FilterSetTypeRequest(filter=flt, type=7))
        self.assertEqual(self.find(new_name).name, new_name)

    def test_order_moves(self):
        f = pb["filter"]
        names = [unique("ord") for _ in range(3)]
        flts = [self.create_filter(n) for n in names]
        order = lambda: [x.name for x in self.filters()]  # noqa: E731
        self.assertEqual(order(), names)
        self.assertEqual([x.order for x in self.filters()], [1.0, 2.0, 3.0])
        self.farm.call(F, "OrderFirst", f.FilterOrderFirstRequest(filter=flts[2]))
        self.assertEqual(order(), [names[2], names[0], names[1]])
        self.farm.call(F, "OrderLast", f.FilterOrderLastRequest(filter=flts[2]))
        self.assertEqual(order(), names)
        self.farm.call(F, "LowerOrder", f.FilterLowerOrderRequest(filter=flts[0]))
        self.assertEqual(order(), [names[1], names[0], names[2]])
        self.farm.call(F, "RaiseOrder", f.FilterRaiseOrderRequest(filter=flts[2]))
        self.assertEqual(order(), [names[1], names[2], names[0]])
        self.farm.call(F, "SetOrder", f.FilterSetOrderRequest(filter=flts[0], order=1))
        self.assertEqual(order(), [names[0], names[1], names[2]])
        self.assertEqual([x.order for x in self.filters()], [1.0, 2.0, 3.0])
        self.farm.call(F, "Delete", f.FilterDeleteRequest(filter=flts[1]))
        self.assertEqual(order(), [names[0], names[2]])
        self.assertCode(NF, F, "Delete", f.FilterDeleteRequest(filter=flts[1]))

    def test_bad_input(self):
        f = pb["filter"]
        flt = self.create_filter(unique("bad"))
        ghost = f.Filter(id="00000000-0000-0000-0000-000000000000")
        for method, req in [
                ("GetMatchers", f.FilterGetMatchersRequest(filter=ghost)),
                ("GetActions", f.FilterGetActionsRequest(filter=ghost)),
                ("RaiseOrder", f.FilterRaiseOrderRequest(filter=ghost)),
                ("SetEnabled", f.FilterSetEnabledRequest(filter=ghost)),
                ("CreateMatcher", f.FilterCreateMatcherRequest(
                    filter=ghost, data=f.Matcher(input="x"))),
                ("RunFilterOnJobs", f.FilterRunFilterOnJobsRequest(filter=ghost)),
                ("Delete", f.FilterDeleteRequest()),
        ]:
            self.assertCode(NF, F, method, req)
        self.assertCode(NF, F, "FindFilter", f.FilterFindFilterRequest(show="nosuchshow",
                                                                       name=flt.name))
        # Malformed matchers and actions change nothing.
        self.assertCode(IA, F, "CreateMatcher", f.FilterCreateMatcherRequest(
            filter=flt, data=f.Matcher(subject=f.SHOT, type=f.REGEX, input="sh(")))
        self.assertCode(IA, F, "CreateMatcher", f.FilterCreateMatcherRequest(
            filter=flt, data=f.Matcher(subject=f.SHOT, type=f.IS, input="")))
        self.assertCode(IA, F, "CreateMatcher", f.FilterCreateMatcherRequest(
            filter=flt, data=f.Matcher(subject=42, type=f.IS, input="x")))
        self.assertCode(NF, F, "CreateAction", f.FilterCreateActionRequest(
            filter=flt, data=f.Action(type=f.MOVE_JOB_TO_GROUP, value_type=f.GROUP_TYPE,
                                      group_value="00000000-0000-0000-0000-000000000000")))
        self.assertCode(IA, F, "CreateAction", f.FilterCreateActionRequest(
            filter=flt, data=f.Action(type=f.SET_JOB_MIN_CORES, value_type=f.FLOAT_TYPE,
                                      float_value=-2)))
        self.assertCode(IA, F, "CreateAction", f.FilterCreateActionRequest(
            filter=flt, data=f.Action(type=99)))
        self.assertEqual(len(self.farm.call(F, "GetMatchers", f.FilterGetMatchersRequest(
            filter=flt)).matchers.matchers), 0)
        self.assertEqual(len(self.farm.call(F, "GetActions", f.FilterGetActionsRequest(
            filter=flt)).actions.actions), 0)
        self.assertCode(NF, M, "Commit", f.MatcherCommitRequest(matcher=f.Matcher(input="x")))
        self.assertCode(NF, A, "Commit", f.ActionCommitRequest(action=f.Action()))

    # ---- the engine at launch ----
    def test_filters_run_at_launch(self):
        f = pb["filter"]
        job_pb2 = pb["job"]
        root = self.farm.call("show.ShowInterface", "GetRootGroup",
                              pb["show"].ShowGetRootGroupRequest(show=self.show())).group
        sub = None
        try:
            sub = self.farm.call("job.GroupInterface", "CreateSubGroup",
                                 job_pb2.GroupCreateSubGroupRequest(group=root,
                                                                    name=unique("fx"))).group
        except grpc.RpcError:
            pass  # groups are another area's: without sub-groups, the move is not tested
        flt = self.create_filter(unique("launch"))
        self.add_matcher(flt, f.SHOT, f.IS, "shfilt")
        self.add_matcher(flt, f.USER, f.IS, "Tester")  # case-insensitive on user
        self.farm.call(F, "SetType", f.FilterSetTypeRequest(filter=flt, type=f.MATCH_ALL))
        self.add_action(flt, type=f.PAUSE_JOB, value_type=f.BOOLEAN_TYPE, boolean_value=True)
        self.add_action(flt, type=f.SET_JOB_PRIORITY, value_type=f.INTEGER_TYPE,
                        integer_value=321)
        self.add_action(flt, type=f.SET_JOB_MAX_CORES, value_type=f.FLOAT_TYPE, float_value=3.5)
        self.add_action(flt, type=f.SET_ALL_RENDER_LAYER_TAGS, value_type=f.STRING_TYPE,
                        string_value="filtered | special")
        self.add_action(flt, type=f.SET_ALL_RENDER_LAYER_MEMORY, value_type=f.INTEGER_TYPE,
                        integer_value=777000)
        if sub is not None:
            self.add_action(flt, type=f.MOVE_JOB_TO_GROUP, value_type=f.GROUP_TYPE,
                            group_value=sub.id)
        # A later filter that would unpause: skipped by STOP_PROCESSING in between.
        stopper = self.create_filter(unique("stop"))
        self.add_matcher(stopper, f.SHOT, f.CONTAINS, "filt")
        self.add_action(stopper, type=f.STOP_PROCESSING, value_type=f.NONE_TYPE)
        later = self.create_filter(unique("later"))
        self.add_matcher(later, f.SHOT, f.CONTAINS, "filt")
        self.add_action(later, type=f.PAUSE_JOB, value_type=f.BOOLEAN_TYPE, boolean_value=False)

        job = self.launch(shot="shfilt")
        self.assertTrue(job.is_paused)
        self.assertEqual(job.priority, 321)
        self.assertAlmostEqual(job.max_cores, 3.5)
        if sub is not None:
            self.assertIn(job.group, (sub.id, sub.name))
        layer = self.farm.layers(job)[0]
        self.assertEqual(sorted(layer.tags), ["filtered", "special"])
        self.assertEqual(layer.min_memory, 777000)

        # Not matching (MATCH_ALL, other shot): nothing changes.
        other = self.launch(shot="shother")
        self.assertFalse(other.is_paused)
        self.assertNotEqual(other.priority, 321)

        # A disabled filter does not run at launch.
        self.farm.call(F, "SetEnabled", f.FilterSetEnabledRequest(filter=flt, enabled=False))
        again = self.launch(shot="shfilt")
        self.assertNotEqual(again.priority, 321)
        self.assertFalse(again.is_paused, "the enabled STOP filter alone changes nothing")

        # Run by hand on jobs, it runs (even disabled).
        self.farm.call(F, "RunFilterOnJobs", f.FilterRunFilterOnJobsRequest(
            filter=flt, jobs=job_pb2.JobSeq(jobs=[again])))
        self.assertEqual(self.farm.get_job(again.id).priority, 321)
        self.assertTrue(self.farm.get_job(again.id).is_paused)
        # ... and on the jobs of a group.
        self.farm.call("job.JobInterface", "SetPriority",
                       job_pb2.JobSetPriorityRequest(job=again, val=1))
        group = sub if sub is not None else root
        self.farm.call(F, "RunFilterOnGroup", f.FilterRunFilterOnGroupRequest(
            filter=flt, group=group))
        self.assertEqual(self.farm.get_job(again.id).priority, 321)

        self.assertCode(NF, F, "RunFilterOnJobs", f.FilterRunFilterOnJobsRequest(
            filter=flt, jobs=job_pb2.JobSeq(jobs=[job_pb2.Job(id="nope")])))
        self.assertCode(NF, F, "RunFilterOnGroup", f.FilterRunFilterOnGroupRequest(
            filter=flt, group=job_pb2.Group(id="nope")))

    def test_layer_and_service_matchers(self):
        f = pb["filter"]
        flt = self.create_filter(unique("layers"))
        self.add_matcher(flt, f.LAYER_NAME, f.IS, "special")
        self.add_action(flt, type=f.SET_JOB_MIN_CORES, value_type=f.INTEGER_TYPE,
                        integer_value=2)  # pycue sends ints as INTEGER_TYPE: whole cores
        job = self.launch(layers=(("main", "true", "1"), ("special", "true", "1")))
        self.assertAlmostEqual(job.min_cores, 2.0)
        plain = self.launch()
        self.assertNotAlmostEqual(plain.min_cores, 2.0)


if __name__ == "__main__":
    cuefarm.main()
