"""Logging filters: secrets that travel in URLs never reach a log line."""

import logging
import re

# /lich/feed/<token>.ics: the token is the feed's password (training.CalendarFeed).
FEED_TOKEN = re.compile(r"(/lich/feed/)[^/\s\"'?]+(\.ics)")


class HideFeedTokens(logging.Filter):
    """Replaces the token of a secret calendar feed address by «…» in the record's message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/lich/feed/" in message:
            record.msg, record.args = FEED_TOKEN.sub(r"\1…\2", message), ()
        return True
