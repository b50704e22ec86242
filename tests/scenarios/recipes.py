"""Scenarios for the recipes module and its usage examples."""

from tests.scenarios import (
    LOCALHOST_BOTH,
    NO_PROXY_ENV,
    Run,
    Scenario,
    refused_then_up,
)
from tests.situations.servers import LATE_START_SECONDS

SCENARIOS = [
    Scenario("recipes.py", main=None, tested_by="test_recipes.py"),
    Scenario(
        "receitas/esperar_porta.py",
        main=Run(ports={5432: "late"}, min_seconds=LATE_START_SECONDS),
        variants={"nunca_sobe": Run(ports={5432: "refused"}, min_seconds=0.5)},
    ),
    Scenario(
        "receitas/conectar_com_retentativas.py",
        main=Run(ports={8080: "late"}, min_seconds=LATE_START_SECONDS),
        variants={"nunca_sobe": Run(ports={8080: "refused"}, max_seconds=1.5)},
    ),
    refused_then_up("receitas/reconhecer_recusa.py", 8000, up="http", env=NO_PROXY_ENV),
]

ONLY_V4 = {"localhost": ("127.0.0.1",)}


def diagnosis(*argv: str, exit_code: int, **run: object) -> Run:
    return Run(argv=argv, exit_code=exit_code, **run)  # type: ignore[arg-type]


SCENARIOS.append(
    Scenario(
        "diagnostico.py",
        main=None,
        tested_by="test_diagnostico.py",
        variants={
            "recusado": diagnosis(
                "localhost", "8080", exit_code=1, ports={8080: "refused"}, hosts=ONLY_V4
            ),
            "conectado": diagnosis(
                "localhost",
                "8080",
                exit_code=0,
                ports={8080: "listening"},
                hosts=ONLY_V4,
            ),
            "parcial": diagnosis(
                "localhost",
                "8080",
                exit_code=3,
                ports={8080: "v6_only"},
                hosts=LOCALHOST_BOTH,
            ),
            "parcial_json": diagnosis(
                "localhost",
                "8080",
                "--json",
                exit_code=3,
                ports={8080: "v6_only"},
                hosts=LOCALHOST_BOTH,
            ),
            "tempo_esgotado": diagnosis(
                "127.0.0.1",
                "8080",
                "--timeout",
                "0.2",
                exit_code=4,
                ports={8080: "backlog_full"},
                min_seconds=0.2,
                platforms=("linux",),  # a full queue refuses elsewhere
            ),
            "nome_nao_resolvido": diagnosis("servidor.invalid", "80", exit_code=5),
            "porta_invalida": diagnosis("localhost", "http", exit_code=2),
        },
    )
)
