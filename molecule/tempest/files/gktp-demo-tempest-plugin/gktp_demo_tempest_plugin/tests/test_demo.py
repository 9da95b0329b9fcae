"""Three outcomes, one each: pass, skip, fail (on purpose)."""
from tempest import test
from tempest.lib import decorators


class DemoTest(test.BaseTestCase):
    credentials = []

    @decorators.idempotent_id("8d0c8a8e-6a8e-4f59-9a57-3a1b7f6f0001")
    def test_passes(self):
        self.assertEqual(2, 1 + 1)

    @decorators.idempotent_id("8d0c8a8e-6a8e-4f59-9a57-3a1b7f6f0002")
    def test_skipped(self):
        raise self.skipException("skipped on purpose by the gatekit fixture")

    @decorators.idempotent_id("8d0c8a8e-6a8e-4f59-9a57-3a1b7f6f0003")
    def test_fails_on_purpose(self):
        self.assertEqual("expected", "deliberately different", "gatekit fixture: this test fails on purpose")
