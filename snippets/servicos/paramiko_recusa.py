import traceback

import paramiko
from paramiko.ssh_exception import NoValidConnectionsError

with paramiko.SSHClient() as client:
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    try:
        client.connect(
            "127.0.0.1",
            port=22,
            username="deploy",
            timeout=3,
            allow_agent=False,
            look_for_keys=False,
        )
    except NoValidConnectionsError as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
        for address, error in exc.errors.items():
            print(address, "->", type(error).__name__)
