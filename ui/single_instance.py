"""A second start on the same database brings the running window to the front.

The instance lock (:mod:`db.instance_lock`) decides who runs; this is only the courtesy on top:
the running copy listens on a local socket named after its database file, and a second copy
that finds the lock taken asks it to show itself instead of showing an error box.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

ACTIVATE = b"activate\n"
CONNECT_MS = 1000


def server_name(db_path: Path) -> str:
    """One name per database file (case-insensitive on Windows paths too), short enough for any platform."""
    key = str(Path(db_path).resolve()).casefold().encode("utf-8")
    return "branchpay-" + hashlib.sha256(key).hexdigest()[:20]


def ask_running_copy_to_show(db_path: Path) -> bool:
    """True when a running BranchPay on ``db_path`` answered and was asked to come to the front."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(db_path))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    sent = socket.write(ACTIVATE) == len(ACTIVATE)
    socket.flush()
    if socket.bytesToWrite() > 0:
        sent = socket.waitForBytesWritten(CONNECT_MS) and sent
    socket.disconnectFromServer()
    return sent


class ActivationServer(QObject):
    """Listens for a second copy's request; ``on_activate`` shows the window (and says why)."""

    def __init__(self, db_path: Path, on_activate: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_activate = on_activate
        self._server = QLocalServer(self)
        name = server_name(db_path)
        QLocalServer.removeServer(name)  # a stale socket file left by a crashed copy
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.listening = self._server.listen(name)
        self._server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(ACTIVATE.strip()):
            self._on_activate()

    def close(self) -> None:
        self._server.close()
