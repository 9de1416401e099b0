"""A file SMS backend that takes its time after writing, so a test can kill a worker between send and mark."""

import os
import time

from alerts.backends.sms import FileBackend


class SlowFileBackend(FileBackend):
    """Like FileBackend, then sleeps BIN_TEST_SMS_DELAY seconds per message (a gateway slow to answer)."""

    def send_messages(self, messages):
        result = super().send_messages(messages)
        time.sleep(float(os.environ.get("BIN_TEST_SMS_DELAY", "0.002")) * len(messages))
        return result
