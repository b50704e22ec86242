"""Diagnostica por que uma conexão TCP falha: python diagnostico.py HOST PORTA.

Resolve o nome (IPv4 e IPv6), tenta todos os endereços ao mesmo tempo, cada um
com um tempo-limite curto, e diz, para cada um, se conectou, foi recusado,
esgotou o tempo ou recebeu outro erro do sistema, com uma dica do que fazer.
Use --json para uma saída legível por programas.
Só usa a biblioteca padrão; funciona no Python 3.10 ou mais novo.
"""

from __future__ import annotations

import os
import signal

if __name__ == "__main__":
    # Ctrl+C (SIGINT), `kill` (SIGTERM) e o terminal fechado (SIGHUP) encerram
    # o comando na hora, com o código 128 + o número do sinal e sem traceback:
    # mesmo durante as importações abaixo ou com um `connect()` esperando o
    # tempo-limite (`os._exit` não espera nenhuma thread).
    for _name in ("SIGHUP", "SIGINT", "SIGTERM"):
        if hasattr(signal, _name):  # o Windows não tem SIGHUP
            signal.signal(getattr(signal, _name), lambda num, _: os._exit(128 + num))

import errno
import ipaddress
import json
import socket
import sys
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import TextIO, TypeVar

USAGE = "uso: python diagnostico.py HOST PORTA [--json] [--timeout SEGUNDOS]"
DEFAULT_TIMEOUT = 1.0

# Todos os códigos de saída. Os resultados gerais de um diagnóstico têm uma
# dica em HINTS; os outros códigos não são um diagnóstico.
EXIT_CODES = {
    "conectado": 0,
    "recusado": 1,
    "erro de uso": 2,  # argumentos inválidos
    "parcial": 3,
    "sem resposta": 4,
    "nome não resolvido": 5,
    "recusado e sem resposta": 6,
    "host inalcançável": 7,
    "rede inalcançável": 8,
    "endereço indisponível": 9,
    "sem permissão": 10,
    "outro erro": 11,
    "misto": 12,
    "erro interno": 70,  # um defeito do próprio comando (EX_SOFTWARE)
    "falha ao escrever a saída": 74,  # pipe fechado, disco cheio (EX_IOERR)
    "SIGHUP": 129,  # 128 + 1: o terminal foi fechado
    "SIGINT": 130,  # 128 + 2: Ctrl+C
    "SIGTERM": 143,  # 128 + 15: `kill`
}
EXIT_USAGE = EXIT_CODES["erro de uso"]
EXIT_INTERNAL = EXIT_CODES["erro interno"]
EXIT_OUTPUT = EXIT_CODES["falha ao escrever a saída"]
EXIT_INTERRUPTED = EXIT_CODES["SIGINT"]

HINTS = {
    "conectado": "O serviço aceita conexões em todos os endereços.",
    "recusado": (
        "Nada escuta nessa porta nesse endereço: o servidor está parado, ainda "
        "subindo, escuta em outra porta, ou em outro endereço ou interface "
        "(por exemplo só em 127.0.0.1, e você conectou pelo IP da rede)."
    ),
    "parcial": (
        "O servidor escuta só em parte dos endereços (por exemplo só em IPv4 "
        "ou só em ::1): um cliente que tente só o endereço que falha não "
        "conecta. Faça o servidor escutar no endereço que os clientes usam, "
        "ou conecte ao endereço que funciona."
    ),
    "sem resposta": (
        "Nenhuma resposta até o tempo-limite: um firewall pode estar "
        "descartando os pacotes, ou o host está fora do ar. Recusa seria "
        "imediata; isto é outro problema."
    ),
    "nome não resolvido": (
        "O nome não foi resolvido: confira a grafia, o DNS ou o /etc/hosts."
    ),
    "recusado e sem resposta": (
        "Um endereço recusa e outro não responde: a recusa não explica tudo. "
        "Um firewall pode estar descartando os pacotes do endereço que não "
        "responde; e nada escuta no que recusa."
    ),
    "host inalcançável": (
        "O host não foi alcançado (EHOSTUNREACH): um firewall rejeitou a "
        "conexão (por exemplo com ICMP `host-prohibited`, a resposta padrão do "
        "firewall do RHEL) "
        "ou o host não está na rede (desligado, o ARP ficou sem resposta). "
        "Não é o servidor recusando."
    ),
    "rede inalcançável": (
        "Não há rota até essa rede (ENETUNREACH): falta a rota padrão, a VPN "
        "está desligada ou a interface está fora do ar (confira a tabela de rotas), ou "
        "um firewall respondeu rede inalcançável."
    ),
    "endereço indisponível": (
        "Esta máquina não tem endereço dessa família para usar (EADDRNOTAVAIL): "
        "por exemplo, o IPv6 está desativado, mas o nome ainda resolve para "
        "::1. A conexão nem saiu da máquina."
    ),
    "sem permissão": (
        "O sistema não deixou este processo conectar (EACCES/EPERM): uma "
        "política como o SELinux, ou uma regra de firewall local que filtra "
        "por usuário ou processo. Não é o servidor recusando."
    ),
    "outro erro": "O sistema devolveu um erro inesperado; veja o nome do erro.",
    "misto": "Cada endereço falhou de um jeito diferente; veja as notas.",
}

# Resultados de tentativas que a dica de um resultado geral já explica.
EXPLAINED = {
    "recusado e sem resposta": ("recusado", "sem resposta"),
    "parcial": ("recusado",),
}

# Resultado de uma tentativa -> resultado geral quando todas concordam.
OVERALL_OF = {"tempo esgotado": "sem resposta", "erro": "outro erro"}

BY_ERRNO = {
    errno.EHOSTUNREACH: "host inalcançável",
    errno.ENETUNREACH: "rede inalcançável",
    errno.EADDRNOTAVAIL: "endereço indisponível",
    errno.EACCES: "sem permissão",
    errno.EPERM: "sem permissão",
}


class UsageError(Exception):
    """Argumentos inválidos: a mensagem já está pronta para o usuário."""


class OutputError(Exception):
    """A saída não pôde ser escrita (pipe fechado, disco cheio)."""

    def __init__(self, stream: TextIO, error: OSError) -> None:
        super().__init__(error)
        self.stream, self.error = stream, error


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
    notas: list[str] = field(default_factory=list)


def show(text: str, limit: int = 60) -> str:
    """O texto como pode ser exibido: sem caracteres de controle, curto."""
    shown = "".join(
        ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text[: limit + 1]
    )
    return shown if len(text) <= limit else shown[:limit] + "…"


@dataclass
class Args:
    """O que a linha de comando pediu."""

    host: str
    port: int
    as_json: bool = False
    timeout: float = DEFAULT_TIMEOUT


def parse_args(argv: list[str]) -> Args:
    """Lê HOST, PORTA e as opções; levanta UsageError se algo faltar."""
    options: dict[str, object] = {}
    positional = []
    args = iter(argv)
    for arg in args:
        name, has_value, value = arg.partition("=")
        if arg in FLAGS:
            options[FLAGS[arg]] = True
        elif name in OPTIONS:
            field_name, read = OPTIONS[name]
            options[field_name] = read(value if has_value else next(args, None))
        elif arg.startswith("-") and not _is_ascii_number(arg.lstrip("-")):
            raise UsageError(f"opção desconhecida: {show(arg)}")
        else:
            positional.append(arg)
    if len(positional) < 2:
        raise UsageError("informe o HOST e a PORTA.")
    if len(positional) > 2:
        raise UsageError(f"argumentos demais: {show(' '.join(positional[2:]))}")
    host_text, port_text = positional
    return Args(_parse_host(host_text), _parse_port(port_text), **options)


def _is_ascii_number(text: str) -> bool:
    # `str.isdigit()` aceita "²", "①" e "٨٠"; `int()` leria "٨٠" como 80.
    return text.isascii() and text.isdigit()


def _parse_host(text: str) -> str:
    host = text.strip()
    if not host:
        raise UsageError("o HOST não pode ser vazio.")
    try:
        host.encode("utf-8")  # bytes inválidos chegam como "\udcff" em `sys.argv`
    except UnicodeEncodeError:
        raise UsageError(f"o HOST tem bytes que não são UTF-8: {show(host)}") from None
    if not host.isprintable():
        raise UsageError(f"o HOST tem caracteres de controle: {show(host)}")
    if host.startswith("[") and host.endswith("]"):  # [::1], como numa URL
        host = host[1:-1]
        if not _is_ip(host) or ":" not in host:
            raise UsageError(
                f"entre colchetes só cabe um endereço IPv6, não {show(host)}"
            )
    elif "[" in host or "]" in host:
        raise UsageError(
            f"HOST inválido: {show(host)}; escreva o endereço IPv6 sozinho "
            "(::1 ou [::1]) e a PORTA como outro argumento."
        )
    try:
        host.encode("idna")  # o que `getaddrinfo` fará com o nome
    except UnicodeError:
        raise UsageError(
            f"o HOST não é um nome válido: {show(host)} (partes vazias, com mais "
            "de 63 caracteres, ou caracteres inválidos)"
        ) from None
    return host


def _parse_port(text: str) -> int:
    if not _is_ascii_number(text):
        raise UsageError(
            f"a PORTA deve ser um número de 1 a 65535, não {show(repr(text))}."
        )
    digits = text.lstrip("0") or "0"  # nunca converte 5.000 dígitos
    if len(digits) > 5 or not 1 <= int(digits) <= 65535:
        raise UsageError(f"a PORTA deve estar entre 1 e 65535, não {show(text)}.")
    return int(digits)


def _parse_timeout(text: str | None) -> float:
    message = "--timeout pede um número de segundos, ex.: 0.5"
    if not text or not text.isascii():
        raise UsageError(message)
    try:
        timeout = float(text)
    except ValueError:
        raise UsageError(message) from None
    if not 0 < timeout <= 60:
        raise UsageError("--timeout deve ficar entre 0 e 60 segundos.")
    return timeout


# Opções sem valor: opção -> campo de `Args` que passa a ser `True`.
FLAGS = {"--json": "as_json"}
# Opções com valor (`--opção VALOR` ou `--opção=VALOR`): opção -> (campo de
# `Args`, função que lê o valor ou levanta `UsageError`).
OPTIONS: dict[str, tuple[str, Callable[[str | None], object]]] = {
    "--timeout": ("timeout", _parse_timeout),
}


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
            outcome = BY_ERRNO.get(exc.errno or 0, "erro")
            code = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
            return Attempt(label, address, outcome, code)
    return Attempt(label, address, "conectado", None)


def diagnose(host: str, port: int, timeout: float) -> Report:
    """Resolve `host` e tenta todos os endereços ao mesmo tempo.

    Leva no máximo `timeout` segundos depois de resolver o nome.
    """
    try:
        (infos,) = in_threads(
            [lambda: socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
        )
    except socket.gaierror:
        return _report(host, port, "nome não resolvido", [])
    attempts = in_threads(
        [lambda info=info: try_address(info[0], info[4], timeout) for info in infos]
    )
    report = _report(host, port, _overall(attempts), attempts)
    report.notas = _notes(host, report)
    return report


T = TypeVar("T")


def in_threads(calls: list[Callable[[], T]]) -> list[T]:
    """Roda cada função numa thread, todas juntas; devolve os resultados.

    Não espera nenhuma thread ao sair: uma interrupção não fica presa a um
    `connect()` ou a uma consulta de DNS até o tempo-limite deles.
    """
    pool = ThreadPoolExecutor(max_workers=len(calls))
    try:
        return [future.result() for future in [pool.submit(c) for c in calls]]
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _overall(attempts: list[Attempt]) -> str:
    # Um endereço de uma família que esta máquina não tem nunca funcionaria:
    # o resultado vem dos outros (ele ganha uma nota).
    usable = [a for a in attempts if a.resultado != "endereço indisponível"]
    outcomes = {a.resultado for a in usable or attempts}
    if outcomes == {"conectado"}:
        return "conectado"
    if "conectado" in outcomes:
        return "parcial"
    if len(outcomes) == 1:
        (outcome,) = outcomes
        return OVERALL_OF.get(outcome, outcome)
    if outcomes == {"recusado", "tempo esgotado"}:
        return "recusado e sem resposta"
    return "misto"


def _notes(host: str, report: Report) -> list[str]:
    """Dicas de cada endereço que o resultado geral não explica."""
    notes = []
    covered = {report.resultado, "conectado", *EXPLAINED.get(report.resultado, ())}
    for attempt in report.tentativas:
        outcome = OVERALL_OF.get(attempt.resultado, attempt.resultado)
        if outcome not in covered:
            covered.add(outcome)
            notes.append(f"{attempt.endereco}: {HINTS[outcome]}")
    families = {a.familia for a in report.tentativas}
    loopback = all(_is_loopback(a.endereco) for a in report.tentativas)
    if report.resultado != "conectado" and loopback and len(families) == 1:
        (family,) = families
        other = "::1" if family == "IPv4" else "127.0.0.1"
        if not _is_ip(host):
            notes.append(
                f"{show(host)} resolveu só para {family}: um servidor que escute "
                f"só em {other} não é visto por este teste (nem pelos clientes "
                "que usem esse nome)."
            )
    return notes


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_loopback(address: str) -> bool:
    return ipaddress.ip_address(address.partition("%")[0]).is_loopback


def _report(host: str, port: int, overall: str, attempts: list[Attempt]) -> Report:
    return Report(host, port, overall, HINTS[overall], EXIT_CODES[overall], attempts)


def render(report: Report) -> str:
    """O relatório em texto para pessoas."""
    lines = [f"Diagnóstico de {show(report.host)} porta {report.porta}"]
    for a in report.tentativas:
        detail = f" ({a.erro})" if a.erro else ""
        lines.append(f"  {a.familia}  {a.endereco:<15} {a.resultado}{detail}")
    lines.append(f"Resultado: {report.resultado}")
    lines.append(textwrap.fill(f"Dica: {report.dica}", 76, subsequent_indent="  "))
    for note in report.notas:
        lines.append(textwrap.fill(f"Nota: {note}", 76, subsequent_indent="  "))
    return "\n".join(lines)


def help_text() -> str:
    codes = ", ".join(f"{code} {name}" for name, code in EXIT_CODES.items())
    return (
        f"{USAGE}\n"
        f"Tenta todos os endereços ao mesmo tempo; termina em até SEGUNDOS "
        f"(padrão {DEFAULT_TIMEOUT:g}) depois de resolver o nome.\n"
        f"Códigos de saída: {codes}."
    )


def emit(text: str, stream: TextIO | None) -> None:
    """Escreve `text` e esvazia o buffer; falhas de escrita viram OutputError.

    Uma saída fechada pelo shell (`>&-`, `2>&-`) chega como `None`: quem a fechou
    não quer o texto, e o código de saída continua o mesmo.
    """
    if stream is None:
        return
    try:
        print(text, file=stream)
        stream.flush()
    except OSError as exc:  # BrokenPipeError, ENOSPC...
        raise OutputError(stream, exc) from exc


def _tolerate_any_encoding() -> None:
    # Com PYTHONIOENCODING=ascii (ou um terminal antigo), "ç" vira "\xe7" em
    # vez de derrubar o comando.
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")


def _discard(stream: TextIO) -> None:
    # O Python esvazia a saída de novo ao terminar; apontá-la para /dev/null
    # evita um segundo erro (`Exception ignored ...`).
    with suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def run(argv: list[str]) -> int:
    if any(arg in ("-h", "--help", "--ajuda") for arg in argv):
        emit(help_text(), sys.stdout)
        return 0
    try:
        args = parse_args(argv)
    except UsageError as exc:
        emit(f"erro: {exc}\n{USAGE}", sys.stderr)
        return EXIT_USAGE
    report = diagnose(args.host, args.port, args.timeout)
    if args.as_json:
        text = json.dumps(asdict(report), ensure_ascii=False, indent=2)
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
        if encoding.lower().replace("-", "") != "utf8":
            text = json.dumps(asdict(report), indent=2)  # só ASCII, ainda JSON
        emit(text, sys.stdout)
    else:
        emit(render(report), sys.stdout)
    return report.codigo_saida


def main(argv: list[str]) -> int:
    _tolerate_any_encoding()
    try:
        return run(argv)
    except OutputError as exc:
        # `| head` fechar o pipe é normal: termina em silêncio.
        if exc.stream is sys.stdout and not isinstance(exc.error, BrokenPipeError):
            with suppress(OutputError):
                name = errno.errorcode.get(exc.error.errno or 0, "erro de E/S")
                emit(f"erro: não deu para escrever a saída ({name}).", sys.stderr)
        _discard(exc.stream)
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # um defeito do comando, nunca um diagnóstico
        with suppress(OutputError):
            emit(f"erro interno ({type(exc).__name__}): {exc}", sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
