"""Scenarios for the pitfalls and look-alikes pages."""

from tests.scenarios import INSTANT, LOCALHOST_BOTH, Run, Scenario, refused_then_up

DB = {"DB_HOST": "127.0.0.1", "DB_PORT": "{port[5432]}"}

SCENARIOS = [
    refused_then_up("armadilhas/recusa_imediata.py", 8080),
    Scenario("armadilhas/servidor_fechado.py", main=Run(max_seconds=INSTANT)),
    # 127.0.0.2 answers only where all of 127.0.0.0/8 is loopback (Linux);
    # macOS configures just 127.0.0.1 by default.
    Scenario("armadilhas/interface.py", platforms=("linux",)),
    Scenario(
        "armadilhas/localhost_ipv6.py",
        main=Run(ports={8080: "v6_only"}, hosts=LOCALHOST_BOTH),
        variants={"so_ipv4": Run(ports={8080: "v4_only"}, hosts=LOCALHOST_BOTH)},
    ),
    Scenario(
        "armadilhas/conteiner.py",
        main=Run(ports={5432: "refused"}, env=DB),
        variants={"no_host": Run(ports={5432: "listening"}, env=DB)},
    ),
    refused_then_up("armadilhas/connect_ex.py", 8080),
    Scenario(
        "armadilhas/connect_ex_invertido.py",
        main=Run(ports={8080: "refused"}, max_seconds=INSTANT),
    ),
    Scenario(
        "armadilhas/portabilidade.py",
        main=Run(ports={8080: "refused"}, max_seconds=INSTANT),
    ),
    Scenario(
        "armadilhas/udp.py",
        main=Run(ports={9999: "udp_closed"}, max_seconds=INSTANT),
        variants={"servidor_ativo": Run(ports={9999: "udp_echo"})},
        platforms=("linux",),
    ),
    Scenario(
        "armadilhas/socket_vazado.py",
        main=Run(ports={8080: "refused"}),
        leaks=True,
    ),
    Scenario(
        "testes/test_porta_recusada.py", main=None, tested_by="test_reader_tests.py"
    ),
    Scenario("parecidas/reset.py", main=Run(ports={7000: "reset"})),
    # Windows reports the same write as ConnectionAbortedError/ResetError.
    Scenario("parecidas/broken_pipe.py", platforms=("linux", "darwin")),
    Scenario(
        "parecidas/tempo_esgotado.py",
        main=Run(ports={8080: "backlog_full"}, min_seconds=0.3, max_seconds=1.5),
        variants={"recusada": Run(ports={8080: "refused"}, max_seconds=INSTANT)},
        # A full accept queue drops SYNs on Linux; BSD/macOS may refuse instead.
        platforms=("linux",),
    ),
    Scenario("parecidas/dns.py", main=Run(max_seconds=INSTANT)),
    Scenario("parecidas/endereco_indisponivel.py"),
    Scenario("parecidas/ordem_except.py", main=Run(ports={8080: "refused"})),
]
