"""Scenarios for the seed pages: documentação, uso and exemplos."""

from tests.scenarios import Scenario, refused_then_up

SCENARIOS = [
    Scenario("documentacao/hierarquia.py"),
    refused_then_up("uso/conectar.py", 8080),
    refused_then_up("exemplos/servidor_inativo.py", 9999),
    refused_then_up("exemplos/varias_excecoes.py", 8000),
]
