"""The server's kernel websocket bridge, minus what a learner must not see.

Not part of the core or the ui. A kernel writes warnings, log lines and tracebacks to its
stderr (ipykernel sends fd 2 to the page as `stream` messages named `stderr`), and an error
in a widget callback comes as an `error` message with a traceback full of install paths.
Voila sent both to every websocket client of the kernel. Here they are logged on the server
(the operator can read them) and the learner gets one plain line instead:

- `stream` messages to stderr: logged, not sent.
- any message with a `traceback` (`error`, an `execute_reply` that failed): logged; sent with
  the traceback and the error's text replaced by `LEARNER_MESSAGE`.

It also tells the kernel manager when a page connects (`notify_connect` is where jupyter_server
counts connections; `PoolSafeKernelManager` keeps "connected once" from it).
"""

from __future__ import annotations

from typing import Any

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

__all__ = ["LEARNER_MESSAGE", "QuietChannelsConnection"]

LEARNER_MESSAGE = "Something went wrong on the server. Reload the page to try again."
_V1 = "v1.kernel.websocket.jupyter.org"
_CHECKED_TYPES = frozenset({"stream", "error", "execute_reply"})


class QuietChannelsConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's websocket connection, which logs stderr and tracebacks instead of
    sending them (see the module docstring)."""

    def handle_outgoing_message(self, stream: Any, outgoing_msg: list[Any]) -> None:
        try:
            _, fed = self.session.feed_identities(outgoing_msg)
            header = self.session.unpack(fed[1])
        except Exception:  # not ours to judge: jupyter_server logs malformed messages
            super().handle_outgoing_message(stream, outgoing_msg)
            return
        if header.get("msg_type") not in _CHECKED_TYPES:
            super().handle_outgoing_message(stream, outgoing_msg)
            return
        content = self.session.unpack(fed[4])
        if header["msg_type"] == "stream" and content.get("name") == "stderr":
            self.log.warning("Kernel %s stderr (not sent): %s", self.kernel_id, content.get("text"))
            return
        if "traceback" in content:
            self.log.warning(
                "Kernel %s error (not sent): %s: %s\n%s",
                self.kernel_id,
                content.get("ename"),
                content.get("evalue"),
                "\n".join(str(line) for line in content.get("traceback") or []),
            )
            plain = {**content, "ename": "Error", "evalue": LEARNER_MESSAGE}
            plain["traceback"] = [LEARNER_MESSAGE]
            fed[4] = self.session.pack(plain)
            outgoing_msg = outgoing_msg[: len(outgoing_msg) - len(fed)] + fed
            if self.subprotocol != _V1:
                # The legacy protocol deserializes (and checks the signature of) the
                # message: sign the changed one.
                outgoing_msg[len(outgoing_msg) - len(fed)] = self.session.sign(fed[1:5])
        super().handle_outgoing_message(stream, outgoing_msg)
