"""Diagnostica por que uma conexão TCP falha: python diagnostico.py HOST PORTA.

Resolve o nome (IPv4 e IPv6), tenta cada endereço com um tempo-limite curto e
diz, para cada um, se conectou, foi recusado, esgotou o tempo ou não tem rota,
com uma dica do que fazer. Use --json para uma saída legível por programas.
Só usa a biblioteca padrão; funciona no Python 3.10 ou mais novo.
"""

from __future__ import annotations

import errno
import json
import socket
import sys
import textwrap
from dataclasses import asdict, dataclass

USAGE = "uso: python diagnostico.py HOST PORTA [--json] [--timeout SEGUNDOS]"

# Código de saída de cada resultado geral (2 fica para erro de uso).
EXIT_CODES = {
    "conectado": 0,
    "recusado": 1,
    "parcial": 3,
    "sem resposta": 4,
    "nome não resolvido": 5,
}

HINTS = {
    "conectado": "O serviço aceita conexões em todos os endereços.",
    "recusado": (
        "Nada escuta nessa porta: o servidor está parado, ainda subindo, "
        "ou escuta em outra porta."
    ),
    "parcial": (
        "O servidor escuta só em parte dos endereços (por exemplo só em IPv4 "
        "ou só em ::1): um cliente que tente só o endereço que falha é "
        "recusado. Faça o servidor escutar no endereço que os clientes usam, "
        "ou conecte ao endereço que funciona."
    ),
    "sem resposta": (
        "Nenhuma resposta: um firewall pode estar descartando os pacotes, ou "
        "não há rota até o host. Recusa seria imediata; isto é outro problema."
    ),
    "nome não resolvido": (
        "O nome não foi resolvido: confira a grafia, o DNS ou o /etc/hosts."
    ),
}

UNREACHABLE = {errno.EHOSTUNREACH, errno.ENETUNREACH}


class UsageError(Exception):
    """Argumentos inválidos: a mensagem já está pronta para o usuário."""


@dataclass
class Attempt:
    familia: str
    endereco: str
    resultado: str
    erro: str | None


@dataclass
class Report:
    host: str
    porta: int
    resultado: str
    dica: str
    codigo_saida: int
    tentativas: list[Attempt]


def parse_args(argv: list[str]) -> tuple[str, int, bool, float]:
    """Lê HOST, PORTA, --json e --timeout; levanta UsageError se algo faltar."""
    as_json, timeout, positional = False, 1.0, []
    args = iter(argv)
    for arg in args:
        if arg == "--json":
            as_json = True
        elif arg == "--timeout":
            timeout = _parse_timeout(next(args, None))
        elif arg.startswith("--timeout="):
            timeout = _parse_timeout(arg.partition("=")[2])
        elif arg.startswith("-") and not arg.lstrip("-").isdigit():
            raise UsageError(f"opção desconhecida: {arg}")
        else:
            positional.append(arg)
    if len(positional) < 2:
        raise UsageError("informe o HOST e a PORTA.")
    if len(positional) > 2:
        raise UsageError(f"argumentos demais: {' '.join(positional[2:])}")
    host, port_text = positional
    if not host.strip():
        raise UsageError("o HOST não pode ser vazio.")
    if not port_text.isdigit():
        raise UsageError(f"a PORTA deve ser um número de 1 a 65535, não {port_text!r}.")
    port = int(port_text)
    if not 1 <= port <= 65535:
        raise UsageError(f"a PORTA deve estar entre 1 e 65535, não {port}.")
    return host.strip(), port, as_json, timeout


def _parse_timeout(text: str | None) -> float:
    try:
        timeout = float(text or "")
    except ValueError:
        raise UsageError("--timeout pede um número de segundos, ex.: 0.5") from None
    if not 0 < timeout <= 60:
        raise UsageError("--timeout deve ficar entre 0 e 60 segundos.")
    return timeout


def try_address(family: int, sockaddr: tuple, timeout: float) -> Attempt:
    """Tenta conectar a um endereço já resolvido e classifica o resultado."""
    label = "IPv6" if family == socket.AF_INET6 else "IPv4"
    address = sockaddr[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        try:
            sock.connect(sockaddr)
        except ConnectionRefusedError as exc:
            return Attempt(label, address, "recusado", type(exc).__name__)
        except TimeoutError as exc:
            return Attempt(label, address, "tempo esgotado", type(exc).__name__)
        except OSError as exc:
            outcome = "sem rota" if exc.errno in UNREACHABLE else "erro"
            code = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
            return Attempt(label, address, outcome, code)
    return Attempt(label, address, "conectado", None)


def diagnose(host: str, port: int, timeout: float) -> Report:
    """Resolve `host` e tenta cada endereço; devolve o relatório completo."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return _report(host, port, "nome não resolvido", [])
    attempts = [try_address(info[0], info[4], timeout) for info in infos]
    return _report(host, port, _overall(attempts), attempts)


def _overall(attempts: list[Attempt]) -> str:
    outcomes = {a.resultado for a in attempts}
    if outcomes == {"conectado"}:
        return "conectado"
    if "conectado" in outcomes:
        return "parcial"
    if "recusado" in outcomes:
        return "recusado"
    return "sem resposta"


def _report(host: str, port: int, overall: str, attempts: list[Attempt]) -> Report:
    return Report(host, port, overall, HINTS[overall], EXIT_CODES[overall], attempts)


def render(report: Report) -> str:
    """O relatório em texto para pessoas."""
    lines = [f"Diagnóstico de {report.host} porta {report.porta}"]
    for a in report.tentativas:
        detail = f" ({a.erro})" if a.erro else ""
        lines.append(f"  {a.familia}  {a.endereco:<15} {a.resultado}{detail}")
    lines.append(f"Resultado: {report.resultado}")
    lines.append(textwrap.fill(f"Dica: {report.dica}", 76, subsequent_indent="  "))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if any(arg in ("-h", "--help", "--ajuda") for arg in argv):
        print(USAGE)
        codes = ", ".join(f"{code} {name}" for name, code in EXIT_CODES.items())
        print(f"Códigos de saída: {codes}, 2 erro de uso.")
        return 0
    try:
        host, port, as_json, timeout = parse_args(argv)
    except UsageError as exc:
        print(f"erro: {exc}\n{USAGE}", file=sys.stderr)
        return 2
    report = diagnose(host, port, timeout)
    if as_json:
        print(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        print(render(report))
    return report.codigo_saida


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
