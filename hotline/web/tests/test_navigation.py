"""The navigation offers each capability to the roles its own rules let in, and no one else."""

from hotline.testing import BaseTestCase


class NavigationTests(BaseTestCase):
    def test_incidents_and_calls_are_offered_to_those_who_may_see_them(self):
        expected = {
            self.operator: (False, True),
            self.lead: (True, True),
            self.reviewer: (True, True),
            self.supervisor: (True, False),
            self.auditor: (True, True),
            self.handler_a: (False, False),
        }
        for user, (incidents, calls) in expected.items():
            with self.subTest(user=user.username):
                self.client.force_login(user)
                page = self.client.get("/").content.decode()
                self.assertEqual('href="/incidents/"' in page, incidents)
                self.assertEqual('href="/cti/calls/"' in page, calls)
