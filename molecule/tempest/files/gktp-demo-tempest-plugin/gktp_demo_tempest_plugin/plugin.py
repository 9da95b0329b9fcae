"""A minimal tempest plugin (entry point gktp_demo)."""
import os

from tempest.test_discover import plugins


class DemoPlugin(plugins.TempestPlugin):
    def load_tests(self):
        base = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        return os.path.join(base, "gktp_demo_tempest_plugin", "tests"), base

    def register_opts(self, conf):
        pass

    def get_opt_lists(self):
        return []
