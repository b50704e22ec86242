"""Scenarios for the seed pages: documentação, uso and exemplos."""

from tests.scenarios import INSTANT, Run, Scenario

SCENARIOS = [
    Scenario("documentacao/hierarquia.py"),
    Scenario(
        "uso/conectar.py",
        main=Run(ports={8080: "refused"}, max_seconds=INSTANT),
        variants={"servidor_ativo": Run(ports={8080: "listening"})},
    ),
    Scenario(
        "exemplos/servidor_inativo.py",
        main=Run(ports={9999: "refused"}, max_seconds=INSTANT),
        variants={"servidor_ativo": Run(ports={9999: "listening"})},
    ),
    Scenario(
        "exemplos/varias_excecoes.py",
        main=Run(ports={8000: "refused"}, max_seconds=INSTANT),
        variants={"servidor_ativo": Run(ports={8000: "listening"})},
    ),
]
