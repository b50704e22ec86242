import traceback
import xmlrpc.client


class TimeoutTransport(xmlrpc.client.Transport):
    """O ServerProxy não tem timeout=: a conexão HTTP recebe um aqui."""

    def make_connection(self, host):  # noqa: ANN001, ANN201
        connection = super().make_connection(host)
        connection.timeout = 3
        return connection


with xmlrpc.client.ServerProxy(
    "http://127.0.0.1:9001/RPC2", transport=TimeoutTransport()
) as server:
    try:
        print(server.supervisor.getState())
    except ConnectionRefusedError as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
