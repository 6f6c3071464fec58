"""Protocol tests of service.ServiceInterface and service.ServiceOverrideInterface, and of
what a service means to a launch: its values are read when a job is launched.

Service overrides are created with show.ShowInterface.CreateServiceOverride.
"""
import grpc

import cuefarm
from cuefarm import pb

S = "service.ServiceInterface"
O = "service.ServiceOverrideInterface"
NF = grpc.StatusCode.NOT_FOUND
IA = grpc.StatusCode.INVALID_ARGUMENT
AE = grpc.StatusCode.ALREADY_EXISTS


def spec_with_service(name, service, show="testing"):
    """A one-layer job whose layer names a service and sets no memory or cores itself."""
    return ("<?xml version=\"1.0\"?>"
            "<!DOCTYPE spec PUBLIC \"SPI Cue Specification Language\" "
            "\"http://localhost:8080/spcue/dtd/cjsl-1.13.dtd\">"
            f"<spec><facility>local</facility><show>{show}</show><shot>svc</shot>"
            f"<user>tester</user><uid>1000</uid><job name=\"{name}\"><paused>True</paused>"
            f"<layers><layer name=\"main\" type=\"Render\"><cmd>true</cmd><range>1</range>"
            f"<chunk>1</chunk><services><service>{service}</service></services></layer>"
            "</layers></job><depends/></spec>")


class ServiceTest(cuefarm.FarmTestCase):

    def get(self, name):
        s = pb["service"]
        return self.farm.call(S, "GetService", s.ServiceGetServiceRequest(name=name)).service

    def test_default_services_listed(self):
        s = pb["service"]
        services = self.farm.call(S, "GetDefaultServices",
                                  s.ServiceGetDefaultServicesRequest()).services.services
        names = {x.name for x in services}
        self.assertIn("default", names)
        self.assertIn("shell", names)
        shell = self.get("shell")
        self.assertEqual(shell.name, "shell")
        self.assertGreater(shell.min_memory, 0)
        self.assertEqual(self.get(shell.id).name, "shell", "GetService also takes an id")

    def test_create_update_delete_and_launch_uses_it(self):
        s = pb["service"]
        data = s.Service(name="cuetestsvc", threadable=True, min_cores=200, max_cores=800,
                         min_memory=3 * 1024 * 1024, tags=["cuetestsvc", "general"], timeout=30,
                         timeout_llu=10, min_memory_increase=1024 * 1024)
        created = self.farm.call(S, "CreateService",
                                 s.ServiceCreateServiceRequest(data=data)).service
        self.assertTrue(created.id)
        got = self.get("cuetestsvc")
        self.assertEqual((got.min_cores, got.max_cores, got.min_memory, list(got.tags),
                          got.timeout, got.timeout_llu, got.threadable),
                         (200, 800, 3 * 1024 * 1024, ["cuetestsvc", "general"], 30, 10, True))
        self.assertCode(AE, S, "CreateService", s.ServiceCreateServiceRequest(data=data))
        self.assertCode(IA, S, "CreateService", s.ServiceCreateServiceRequest(
            data=s.Service(name="")))
        self.assertCode(IA, S, "CreateService", s.ServiceCreateServiceRequest(
            data=s.Service(name="neg", min_cores=-100)))

        # A job launched now takes the service's values.
        job = self.farm.launch(spec_with_service("svcjob1", "cuetestsvc"))[0]
        layer = self.farm.layers(job)[0]
        self.assertEqual(layer.min_memory, 3 * 1024 * 1024)
        self.assertAlmostEqual(layer.min_cores, 2.0)

        # Update reaches the next launch.
        got.min_memory = 5 * 1024 * 1024
        got.min_cores = 100
        self.farm.call(S, "Update", s.ServiceUpdateRequest(service=got))
        self.assertEqual(self.get("cuetestsvc").min_memory, 5 * 1024 * 1024)
        job2 = self.farm.launch(spec_with_service("svcjob2", "cuetestsvc"))[0]
        self.assertEqual(self.farm.layers(job2)[0].min_memory, 5 * 1024 * 1024)

        bad = s.Service(id=got.id, name="cuetestsvc", min_memory=-1)
        self.assertCode(IA, S, "Update", s.ServiceUpdateRequest(service=bad))
        self.assertEqual(self.get("cuetestsvc").min_memory, 5 * 1024 * 1024)

        self.farm.call(S, "Delete", s.ServiceDeleteRequest(service=got))
        self.assertCode(NF, S, "GetService", s.ServiceGetServiceRequest(name="cuetestsvc"))
        self.assertCode(NF, S, "Delete", s.ServiceDeleteRequest(service=got))

    def test_bad_input(self):
        s = pb["service"]
        self.assertCode(IA, S, "GetService", s.ServiceGetServiceRequest())
        self.assertCode(NF, S, "GetService", s.ServiceGetServiceRequest(name="nosuchservice"))
        self.assertCode(IA, S, "Delete", s.ServiceDeleteRequest())
        self.assertCode(NF, S, "Update", s.ServiceUpdateRequest(
            service=s.Service(id="00000000-0000-0000-0000-000000000000", name="x")))
        self.assertCode(NF, O, "Delete", s.ServiceOverrideDeleteRequest())
        self.assertCode(NF, O, "Update", s.ServiceOverrideUpdateRequest(
            service=s.Service(id="nope")))

    def test_override_update_and_delete(self):
        s = pb["service"]
        show_pb2 = pb["show"]
        show = self.farm.find_show("testing")
        ov = self.farm.call("show.ShowInterface", "CreateServiceOverride",
                            show_pb2.ShowCreateServiceOverrideRequest(
                                show=show, service=s.Service(name="shell", min_cores=100,
                                                             min_memory=2 * 1024 * 1024))
                            ).service_override
        data = ov.data
        data.id = ov.id
        data.min_memory = 6 * 1024 * 1024
        self.farm.call(O, "Update", s.ServiceOverrideUpdateRequest(service=data))
        job = self.farm.launch(spec_with_service("ovjob1", "shell"))[0]
        self.assertEqual(self.farm.layers(job)[0].min_memory, 6 * 1024 * 1024,
                         "the show's override wins at launch")
        self.assertNotEqual(self.get("shell").min_memory, 6 * 1024 * 1024,
                            "the facility-wide service is unchanged")
        self.farm.call(O, "Delete", s.ServiceOverrideDeleteRequest(service=data))
        job2 = self.farm.launch(spec_with_service("ovjob2", "shell"))[0]
        self.assertEqual(self.farm.layers(job2)[0].min_memory, self.get("shell").min_memory)
        self.assertCode(NF, O, "Delete", s.ServiceOverrideDeleteRequest(service=data))


if __name__ == "__main__":
    cuefarm.main()
