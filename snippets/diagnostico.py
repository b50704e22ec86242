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
import re
import socket
import sys
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO, TypeVar

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
    "mensagem não reconhecida": 13,  # --mensagem: a tabela não leu o texto
    "mensagem sem endereço": 14,  # --mensagem: lida, mas sem host e porta
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
    options, positional = read_options(argv, FLAGS, OPTIONS)
    if len(positional) < 2:
        raise UsageError("informe o HOST e a PORTA.")
    if len(positional) > 2:
        raise UsageError(f"argumentos demais: {show(' '.join(positional[2:]))}")
    host_text, port_text = positional
    return Args(_parse_host(host_text), _parse_port(port_text), **options)


def read_options(
    argv: list[str],
    flags: dict[str, str],
    options: dict[str, tuple[str, Callable[[str | None], object]]],
) -> tuple[dict[str, Any], list[str]]:
    """As opções de `flags` e `options` (por campo) e os argumentos soltos."""
    found: dict[str, Any] = {}
    positional = []
    args = iter(argv)
    for arg in args:
        name, has_value, value = arg.partition("=")
        if arg in flags:
            found[flags[arg]] = True
        elif name in options:
            field_name, read = options[name]
            found[field_name] = read(value if has_value else next(args, None))
        elif arg.startswith("-") and not _is_ascii_number(arg.lstrip("-")):
            raise UsageError(f"opção desconhecida: {show(arg)}")
        else:
            positional.append(arg)
    return found, positional


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


# --------------------------------------------------------------------------
# Leitor de mensagens: python diagnostico.py --mensagem ARQUIVO
# --------------------------------------------------------------------------
# A tabela abaixo é a única fonte: este comando e a página "Ler uma mensagem"
# (que a recebe como JSON, gerado no build) só a leem. As expressões regulares
# usam só o que o `re` do Python e o JavaScript entendem igual (sem grupos
# nomeados, sem `(?i)`, sem `(?<=`); todas valem sem distinguir maiúsculas.

SITE_URL = "https://referencia-python.github.io/connectionrefusederror/"
NADA_ESCUTANDO = "armadilhas/nada-escutando/#como-resolver"
# Comandos sugeridos (strings cruas: são código, não texto).
PROCURAR_PORTA = [
    r"ss -ltnp 'sport = :{porta}'",
    r"lsof -nP -iTCP:{porta} -sTCP:LISTEN",
    r"netstat -ano | findstr :{porta}",
]
TESTAR = r"python diagnostico.py {host} {porta}"

MESSAGE_TABLE: dict = {
    "versao": 1,
    # Tipos de falha: o que cada um é, a página que responde e os passos.
    "tipos": {
        "recusada": {
            "nome": "Conexão recusada",
            "explicacao": (
                "O endereço respondeu que nada escuta nessa porta: o servidor "
                "está parado, ainda subindo, escuta em outra porta ou em outro "
                "endereço."
            ),
            "pagina": NADA_ESCUTANDO,
            "passos": [*PROCURAR_PORTA, TESTAR],
        },
        "tempo-esgotado": {
            "nome": "Tempo esgotado (não é uma recusa)",
            "explicacao": (
                "Ninguém respondeu até o tempo-limite: um firewall descarta os "
                "pacotes, o host está fora do ar, ou a fila de conexões está "
                "cheia."
            ),
            "pagina": "armadilhas/parecidas/#tempo-esgotado",
            "passos": [TESTAR, r"sudo nft list ruleset"],
        },
        "sem-rota": {
            "nome": "Host inalcançável (não é uma recusa)",
            "explicacao": (
                "EHOSTUNREACH (113 no Linux): um firewall rejeitou com "
                "`host-prohibited`, ou o host não está na rede."
            ),
            "pagina": "armadilhas/parecidas/#outros-errnos",
            "passos": [TESTAR, r"ip route get {host}"],
        },
        "rede-inalcancavel": {
            "nome": "Rede inalcançável (não é uma recusa)",
            "explicacao": (
                "ENETUNREACH (101 no Linux): não há rota até a rede do "
                "servidor (rota padrão, VPN, interface)."
            ),
            "pagina": "armadilhas/parecidas/#outros-errnos",
            "passos": [TESTAR, r"ip route get {host}"],
        },
        "nome-nao-resolvido": {
            "nome": "Nome não resolvido (não é uma recusa)",
            "explicacao": (
                "O nome do host não virou endereço: nada foi enviado ao "
                "servidor. Confira a grafia, o DNS, o /etc/hosts ou a rede do "
                "contêiner."
            ),
            "pagina": "armadilhas/parecidas/#dns",
            "passos": [r"getent ahosts {host}", TESTAR],
        },
        "endereco-indisponivel": {
            "nome": "Endereço indisponível (não é uma recusa)",
            "explicacao": (
                "EADDRNOTAVAIL (99 no Linux): a conexão nem saiu da máquina; "
                "por exemplo, conectar a 0.0.0.0 ou a ::1 com o IPv6 desativado."
            ),
            "pagina": "servicos/servidor/#errno-99",
            "passos": [TESTAR],
        },
        "conexao-derrubada": {
            "nome": "Conexão derrubada (não é uma recusa)",
            "explicacao": (
                "A conexão foi aceita e depois o outro lado a abortou "
                "(ECONNRESET, 104 no Linux)."
            ),
            "pagina": "armadilhas/parecidas/#reset",
            "passos": [TESTAR],
        },
    },
    # Sinais, em ordem: o primeiro que aparece no texto decide o tipo.
    "sinais": [
        # A saída do próprio comando de diagnóstico.
        [r"Resultado: (?:recusado|parcial)", "recusada"],
        [r"Resultado: host inalcan", "sem-rota"],
        [r"Resultado: rede inalcan", "rede-inalcancavel"],
        [r"Resultado: endere.o indispon", "endereco-indisponivel"],
        [r"Resultado: sem resposta", "tempo-esgotado"],
        [r"Resultado: nome n.o resolvido", "nome-nao-resolvido"],
        # A recusa em cada forma.
        [
            r"connection refused|refused (?:the |a |your )?(?:network )?connection",
            "recusada",
        ],
        [
            r"ECONNREFUSED|ConnectionRefused|CONNECTION_REFUSED|connection_refused",
            "recusada",
        ],
        [r"Errno\]? ?(?:111|61|10061)\b|Error (?:111|61|10061)\b", "recusada"],
        [r"WinError (?:10061|1225)\b|\b10061\b|0x0000274D", "recusada"],
        [r"errno=(?:111|61|10061)\b|Connection to \S+ refused", "recusada"],
        [r"actively refused|refused to connect|connection was refused", "recusada"],
        [r"recusou ativamente|conex.o recusada|liga..o recusada", "recusada"],
        [r"conexi.n rehusada|connexion refus|Verbindungsaufbau abgelehnt", "recusada"],
        [r"Connect call failed|\brecus(?:a|ada|ado|adas|ou)\b", "recusada"],
        # As parecidas.
        [
            r"EHOSTUNREACH|No route to host|Host is unreachable|Errno\]? ?113\b|"
            r"WinError 10065\b|host inalcan",
            "sem-rota",
        ],
        [
            r"ENETUNREACH|Network is unreachable|Errno\]? ?101\b|WinError 10051\b|"
            r"rede inalcan",
            "rede-inalcancavel",
        ],
        [
            r"EADDRNOTAVAIL|assign requested address|not valid in its context|"
            r"Errno\]? ?99\b|WinError 10049\b|endere.o indispon",
            "endereco-indisponivel",
        ],
        [
            r"Name or service not known|getaddrinfo (?:failed|ENOTFOUND|EAI_AGAIN)|"
            r"nodename nor servname|EAI_NONAME|Errno\]? ?-[235]\b|Errno\]? ?11001\b|"
            r"Temporary failure in name resolution|could not translate host name|"
            r"Could not resolve host|no such host|Name does not resolve|"
            r"Unknown (?:MySQL|MariaDB) server host|gaierror|\bENOTFOUND\b|"
            r"ClientConnectorDNSError|n.o resolvido",
            "nome-nao-resolvido",
        ],
        [
            r"Connection reset|ECONNRESET|ConnectionResetError|Errno\]? ?(?:104|54)\b|"
            r"WinError 10054\b|forcibly closed|Remote end closed connection|"
            r"conex.o derrubada",
            "conexao-derrubada",
        ],
        [
            r"timed out|TimeoutError|ETIMEDOUT|Errno\]? ?(?:110|60)\b|"
            r"WinError 10060\b|did not properly respond|Timeout was reached|"
            r"ConnectTimeout|tempo esgotado",
            "tempo-esgotado",
        ],
        # Formas sem a palavra, por último (cedem a qualquer parecida): o `curl`
        # (erro 7), o Docker, o `botocore` e o gRPC dizem só que não conectaram;
        # o pika levanta AMQPConnectionError sem texto; o kafka-python e os
        # clientes do Ollama e do Chroma, só que nenhum servidor atendeu.
        [
            r"Couldn't connect to server|Cannot connect to the Docker daemon|"
            r"AMQPConnectionError|Could not connect to the endpoint URL|"
            r"failed to connect to all addresses|no live upstreams|"
            r"NoBrokersAvailable|Failed to connect to Ollama|"
            r"Could not connect to a Chroma server",
            "recusada",
        ],
    ],
    # Quem recusou: o primeiro que aparece; sem nenhum, "programa".
    "quem": {
        "programa": {
            "nome": "O endereço a que este programa conecta",
            "explicacao": "Nada escuta no endereço e na porta que o programa usa.",
            "sinais": [],
        },
        "servidor-dev-node": {
            "nome": "O alvo do proxy de um servidor de desenvolvimento",
            "explicacao": (
                "O servidor de desenvolvimento (Vite, webpack, gin) "
                "repassa a requisição para outro endereço, e nada escuta lá. "
                "No Node 17 ou mais novo, localhost pode virar ::1 enquanto o "
                "serviço escuta só em 127.0.0.1. Aponte o proxy para "
                "http://127.0.0.1:{porta} ou faça o serviço escutar em ::1 também."
            ),
            "pagina": "programas/node-dev-server/#localhost-ipv6-como-resolver",
            "sinais": [
                r"Error occurred while trying to proxy|http proxy error|"
                r"\[HPM\]|Could not proxy request|proxy error:"
            ],
            "passos": [
                *PROCURAR_PORTA,
                r"curl --noproxy '*' -v http://127.0.0.1:{porta}/",
            ],
        },
        "upstream": {
            "nome": "A aplicação atrás de um proxy reverso (o upstream)",
            "explicacao": (
                "O proxy reverso (nginx, Caddy, Traefik, Apache) está no ar; "
                "quem recusou foi a aplicação para a qual ele repassa. Suba a "
                "aplicação, ou corrija o endereço do upstream na configuração "
                "do proxy."
            ),
            "pagina": "programas/proxy-reverso/#nginx-como-resolver",
            "sinais": [
                r"upstream|502 Bad Gateway|reverse_?proxy|proxy_pass|"
                r"AH0095[67]|no live upstreams|Layer4 connection problem|"
                r"has no server available"
            ],
            "passos": [
                *PROCURAR_PORTA,
                r"curl --noproxy '*' -v http://{host}:{porta}/",
            ],
        },
        "tunel-ssh": {
            "nome": "A outra ponta de um túnel SSH",
            "explicacao": (
                "O túnel está de pé; o sshd do outro lado tentou conectar ao "
                "destino do -L e foi recusado lá. O endereço do -L é lido pelo "
                "servidor SSH, não pela sua máquina."
            ),
            "pagina": "programas/tunel-ssh/#porta-remota-fechada-como-resolver",
            "sinais": [r"channel \d+: open failed|connect_to \S+ port \d+: failed"],
            "passos": [r"ssh SERVIDOR ss -ltnp sport = :{porta}"],
        },
        "port-forward": {
            "nome": "O pod na outra ponta de kubectl port-forward",
            "explicacao": (
                "O kubectl chegou ao pod, mas nada escuta na porta dentro dele: "
                "a aplicação do contêiner não subiu, escuta em outra porta, ou "
                "só em outra interface."
            ),
            "pagina": "programas/kubectl/#como-resolver",
            "sinais": [
                r"error forwarding port|portforward\.go|port-forward|"
                r"unable to do port forwarding"
            ],
            "passos": [
                r"kubectl get pods -o wide",
                r"kubectl logs POD",
                r"kubectl exec POD -- ss -ltnp",
            ],
        },
        "socket-unix": {
            "nome": "Um serviço local por socket Unix",
            "explicacao": (
                "O arquivo do socket existe, mas nenhum processo o atende: o "
                "serviço (supervisord, Docker, PHP-FPM, um gerenciador de "
                "processos) parou e deixou o arquivo para trás, ou não subiu."
            ),
            "pagina": "servicos/unix/#socket-orfao-como-resolver",
            "sinais": [r"unix://|/[\w./@-]+\.sock(?:et)?\b|AF_UNIX"],
            "passos": [r"ls -l {caminho}", r"ss -lxp | grep {caminho}"],
        },
        "proxy": {
            "nome": "O proxy configurado no ambiente",
            "explicacao": (
                "A recusa veio do proxy (HTTP_PROXY, HTTPS_PROXY ou ALL_PROXY), "
                "não do site: o servidor pode estar no ar. Suba o proxy, "
                "corrija a variável ou ponha o host em NO_PROXY."
            ),
            "pagina": "servicos/http/#como-resolver-proxy",
            "sinais": [
                r"Unable to connect to proxy|Cannot connect to proxy|"
                r"ProxyError|pelo proxy|proxy morto|_proxy="
            ],
            "passos": [r"env | grep -i _proxy", TESTAR],
        },
    },
    # Bibliotecas e programas que a mensagem nomeia, em ordem. Um programa
    # com "quem" responde no lugar da página geral desse "quem".
    "bibliotecas": [
        {
            "id": "nginx-socket-unix",
            "nome": "nginx com o socket Unix do gunicorn",
            "quem": "upstream",
            "pagina": "programas/proxy-reverso/#socket-unix-como-resolver",
            "sinais": [r"connect\(\) to unix:"],
        },
        {
            "id": "haproxy",
            "nome": "HAProxy",
            "quem": "upstream",
            "pagina": "programas/proxy-reverso/#haproxy-como-resolver",
            "sinais": [r"haproxy|Layer4 connection problem|has no server available"],
        },
        {
            "id": "apache",
            "nome": "Apache (mod_proxy)",
            "quem": "upstream",
            "pagina": "programas/proxy-reverso/#apache-como-resolver",
            "sinais": [r"AH0095[67]|AH01114|apache|httpd"],
        },
        {
            "id": "caddy",
            "nome": "Caddy",
            "quem": "upstream",
            "pagina": "programas/proxy-reverso/#caddy-como-resolver",
            "sinais": [r"caddy|reverse_?proxy\.|\"msg\":\"dial tcp"],
        },
        {
            "id": "supervisor",
            "nome": "supervisord / supervisorctl",
            "quem": "socket-unix",
            "pagina": "programas/supervisor/#refused-connection-como-resolver",
            "sinais": [r"supervisor"],
        },
        {
            "id": "ssh",
            "nome": "O cliente ssh",
            "pagina": "programas/tunel-ssh/#sshd-fora-do-ar-como-resolver",
            "sinais": [r"ssh: connect to host"],
        },
        {
            "id": "selenium",
            "nome": "Selenium (o driver do navegador)",
            "pagina": "servicos/selenium/#como-resolver",
            "sinais": [r"selenium|/session/[0-9a-f]|with url: /session\b"],
        },
        {
            "id": "docker",
            "nome": "SDK do Docker (docker-py)",
            "pagina": "servicos/unix/#docker-sdk-como-resolver",
            "sinais": [r"docker\.errors|DockerException|fetching server API version"],
        },
        {
            "id": "grpc",
            "nome": "gRPC (grpcio)",
            "pagina": "servicos/rpc/#grpc-como-resolver",
            "sinais": [
                r"grpc\._channel|_InactiveRpcError|StatusCode\.UNAVAILABLE|"
                r"failed to connect to all addresses"
            ],
        },
        {
            "id": "xmlrpc",
            "nome": "xmlrpc.client",
            "pagina": "servicos/rpc/#xmlrpc-como-resolver",
            "sinais": [r"xmlrpc"],
        },
        {
            "id": "multiprocessing",
            "nome": "Gerenciadores do multiprocessing",
            "pagina": "servicos/rpc/#multiprocessing-como-resolver",
            "sinais": [r"multiprocessing[./\\]"],
        },
        {
            "id": "websockets",
            "nome": "websockets",
            "pagina": "servicos/rpc/#websockets-como-resolver",
            "sinais": [r"websockets[./\\]"],
        },
        {
            "id": "elasticsearch",
            "nome": "Elasticsearch (elasticsearch-py)",
            "pagina": "servicos/busca/#elasticsearch-como-resolver",
            "sinais": [r"elastic_transport|elasticsearch"],
        },
        {
            "id": "opensearch",
            "nome": "OpenSearch (opensearch-py)",
            "pagina": "servicos/busca/#opensearch-como-resolver",
            "sinais": [r"opensearch"],
        },
        {
            "id": "qdrant",
            "nome": "Qdrant (qdrant-client)",
            "pagina": "servicos/busca/#qdrant-como-resolver",
            "sinais": [r"qdrant"],
        },
        {
            "id": "boto3",
            "nome": "boto3 / botocore",
            "pagina": "servicos/nuvem-e-ia/#boto3-como-resolver",
            "sinais": [r"botocore|boto3|EndpointConnectionError"],
        },
        {
            "id": "ollama",
            "nome": "Cliente Python do Ollama",
            "pagina": "servicos/nuvem-e-ia/#ollama-como-resolver",
            "sinais": [r"ollama"],
        },
        {
            "id": "kafka",
            "nome": "Kafka (kafka-python)",
            "pagina": "servicos/kafka-memcached/#kafka-como-resolver",
            "sinais": [r"kafka|NoBrokersAvailable"],
        },
        {
            "id": "memcached",
            "nome": "Memcached (pymemcache)",
            "pagina": "servicos/kafka-memcached/#memcached-como-resolver",
            "sinais": [r"pymemcache|memcached"],
        },
        {
            "id": "asyncpg",
            "nome": "asyncpg",
            "pagina": "servicos/outros-bancos/#asyncpg-como-resolver",
            "sinais": [r"asyncpg"],
        },
        {
            "id": "neo4j",
            "nome": "Neo4j",
            "pagina": "servicos/outros-bancos/#neo4j-como-resolver",
            "sinais": [r"neo4j|bolt://"],
        },
        {
            "id": "cassandra",
            "nome": "Cassandra (cassandra-driver)",
            "pagina": "servicos/outros-bancos/#cassandra-como-resolver",
            "sinais": [r"cassandra|NoHostAvailable"],
        },
        {
            "id": "sqlserver",
            "nome": "SQL Server (pyodbc)",
            "pagina": "servicos/outros-bancos/#sqlserver-como-resolver",
            "sinais": [r"pyodbc|TCP Provider|ODBC Driver \d+ for SQL Server"],
        },
        {
            "id": "paramiko",
            "nome": "SSH (paramiko)",
            "pagina": "servicos/ssh/#como-resolver",
            "sinais": [r"paramiko|NoValidConnectionsError"],
        },
        {
            "id": "celery",
            "nome": "Celery / kombu (o broker)",
            "pagina": "servicos/filas/#como-resolver-celery",
            "sinais": [r"celery|kombu"],
        },
        {
            "id": "pika",
            "nome": "pika (RabbitMQ)",
            "pagina": "servicos/filas/#como-resolver",
            "sinais": [r"pika|AMQPConnection|amqp://|rabbitmq"],
        },
        {
            "id": "postgresql",
            "nome": "PostgreSQL (libpq, Django, psql)",
            "pagina": "servicos/postgresql/#como-resolver",
            "sinais": [
                # `psyco[p]g`: a suíte reconhece um cliente em C pelo nome inteiro.
                r"psyco[p]g|Is the server running|could not connect to server|"
                r"connection to server at|postgres|postmaster|psql|libpq"
            ],
            "passos": [r"pg_isready -h {host} -p {porta}"],
        },
        {
            "id": "mysql",
            "nome": "MySQL / MariaDB",
            "pagina": "servicos/mysql/#como-resolver",
            "sinais": [r"MySQL|MariaDB|\(2003|\b2002\b"],
            "passos": [r"mysqladmin -h {host} -P {porta} ping"],
        },
        {
            "id": "mongodb",
            "nome": "MongoDB (PyMongo)",
            "pagina": "servicos/mongodb/#como-resolver",
            "sinais": [r"pymongo|mongo|ServerSelectionTimeout"],
        },
        {
            "id": "redis",
            "nome": "Redis (redis-py)",
            "pagina": "servicos/redis/#como-resolver",
            "sinais": [r"redis|Error \d+ connecting to"],
            "passos": [r"redis-cli -h {host} -p {porta} ping"],
        },
        {
            "id": "smtp",
            "nome": "E-mail (smtplib, Django send_mail)",
            "pagina": "servicos/email/#como-resolver",
            "sinais": [r"smtplib|send_mail|\bSMTP"],
        },
        {
            "id": "httpx",
            "nome": "httpx",
            "pagina": "servicos/http/#httpx-async",
            "sinais": [r"httpx|httpcore"],
        },
        {
            "id": "aiohttp",
            "nome": "aiohttp",
            "pagina": "servicos/http/#aiohttp",
            "sinais": [r"aiohttp|ClientConnectorError|ssl:default"],
        },
        {
            "id": "requests",
            "nome": "requests / urllib3",
            "pagina": "servicos/http/#requests",
            "sinais": [
                r"requests\.|urllib3|MaxRetryError|NewConnectionError|"
                r"HTTPS?ConnectionPool|Max retries exceeded"
            ],
        },
        {
            "id": "urllib",
            "nome": "urllib.request",
            "pagina": "servicos/http/#urllib",
            "sinais": [r"urlopen error|urllib\.error"],
        },
        {
            "id": "http.client",
            "nome": "http.client",
            "pagina": "bibliotecas/http/#http-client",
            "sinais": [r"http\.client"],
        },
        {
            "id": "asyncio",
            "nome": "asyncio",
            "pagina": "bibliotecas/asyncio/#como-resolver",
            "sinais": [r"asyncio|Multiple exceptions:"],
        },
    ],
    # Onde: cada expressão, em ordem; os grupos dão os campos de "campos".
    "onde": [
        # A saída do próprio comando (diagnóstico e leitura).
        [r"Diagn.stico de (\S+) porta (\d+)", ["host", "porta"]],
        [r"Onde: (\S+) porta (\d+)", ["host", "porta"]],
        [r"\"host\": \"([^\"]+)\",\s*\"porta?\": (\d+)", ["host", "porta"]],
        [r"unix://(/[^\s'\"),;]*[^\s'\"),;.])", ["caminho"]],
        [r"(/[\w./@-]+\.sock(?:et)?)\b", ["caminho"]],
        [r"upstream: \"[a-z]+://(\[[0-9a-f:]+\]|[^/\":]+):(\d+)", ["host", "porta"]],
        [
            r"connection to server at \"([^\"]+)\"(?: \([^)]*\))?, port (\d+)",
            ["host", "porta"],
        ],
        [r"\(host='([^']+)', port=(\d+)\): Failed", ["host", "porta"]],
        [r"host='([^']+)', port=(\d+)", ["host", "porta"]],
        [r"host: '([^']+)', port: '(\d+)'", ["host", "porta"]],
        [r"\bon '([^']*[^':]):(\d+)'", ["host", "porta"]],
        [r"connecting to ([\w.-]+|[0-9a-f:]*:[0-9a-f]+):(\d+)", ["host", "porta"]],
        [
            r"(?:connect to host|Failed to connect to|connect_to) (\S+) port (\d+)",
            ["host", "porta"],
        ],
        [r"Connecting to [^|\n]*\|([0-9a-f:.]+)\|:(\d+)", ["host", "porta"]],
        [r"\('([0-9a-f:.]+|[\w.-]+)', (\d+)(?:, \d+, \d+)?\)", ["host", "porta"]],
        [r"AF=\d+ (\[[0-9a-f:]+\]|[\d.]+):(\d+)", ["host", "porta"]],  # `socat`
        [r"ECONNREFUSED ([0-9a-f:.]*[0-9a-f]):(\d+)", ["host", "porta"]],
        [r"ipv[46]:(\[[0-9a-f:]+\]|[\d.]+):(\d+)", ["host", "porta"]],
        [r"on host \"([^\"]+)\"[^?]*?on port (\d+)", ["host", "porta"]],
        [r"to ([\w.-]+)/[0-9a-f.:]+ \(port (\d+)\)", ["host", "porta"]],
        [r"address ?[:=] '?([0-9a-f:.]+)'?,\s*port ?[:=] (\d+)", ["host", "porta"]],
        [r"\[([0-9a-f:]*:[0-9a-f:]*)\]:(\d+)", ["host", "porta"]],
        [
            r"[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?(\[[0-9a-f:]+\]|[\w.-]+):(\d+)",
            ["host", "porta"],
        ],
        [r"dial tcp ([\w.-]+|\[[0-9a-f:]+\]):(\d+)", ["host", "porta"]],
        # A chamada com host e porta literais que o traceback mostra.
        [
            r"\bconnect\(\s*[\"']([\w.:-]+)[\"']\s*,\s*(\d{1,5})\s*[,)]",
            ["host", "porta"],
        ],
        # host:porta solto; um arquivo de código (socket.py:836) não é host.
        [
            r"(?:^|[\s(\['\"=@,])((?:\d{1,3}\.){3}\d{1,3}|"
            r"(?![\w.-]*\.(?:c|cc|cpp|h|py|pyx|js|"
            r"mjs|cjs|ts|go|rs|rb|java|kt|php|log|txt|json|ya?ml):)[a-z][\w.-]*)"
            r":(\d{2,5})\b",
            ["host", "porta"],
        ],
        [r"\bhost[= ]'?([\w.:-]+)'?[ ,]+port[= ]'?(\d+)", ["host", "porta"]],
        [r"\bon '([^']+)'", ["host"]],
        # Um link de documentação na mensagem não é o endereço que falhou.
        [r"(?:visit:?|accessible\.) https?://", []],
        [r"[a-z][a-z0-9+.-]*://(?:[^@/\s]*@)?([\w.-]+)", ["host"]],
        [r"\bport[a]? (\d+)\b", ["porta"]],
    ],
    # O que o próprio endereço diz (a primeira que casa com o host).
    "enderecos": [
        {
            "padrao": r"^host\.docker\.internal$",
            "nota": (
                "host.docker.internal é o host visto de dentro de um contêiner: o "
                "serviço no host precisa escutar em 0.0.0.0 (ou no IP da ponte), "
                "não só em 127.0.0.1."
            ),
            "pagina": "servicos/conteineres-e-ci/#como-resolver-host",
        },
        {
            "padrao": r"^::1$",
            "nota": (
                "::1 é o localhost do IPv6: um servidor que escuta só em "
                "127.0.0.1 recusa aqui. Conecte a 127.0.0.1 ou faça o servidor "
                "escutar nas duas famílias."
            ),
            "pagina": "armadilhas/localhost-ipv6/#como-resolver",
        },
        {
            "padrao": r"^(?:localhost|127\.\d+\.\d+\.\d+)$",
            "nota": (
                "Endereço de loopback: dentro de um contêiner ou de uma VM, é a "
                "própria máquina do programa, não o host nem outro contêiner. "
                "localhost pode resolver para ::1 e para 127.0.0.1."
            ),
        },
        {
            "padrao": r"^(?:0\.0\.0\.0|::)$",
            "nota": (
                "0.0.0.0 é para o servidor escutar em todas as interfaces, não "
                "um destino: conecte a 127.0.0.1 ou ao IP da máquina."
            ),
        },
        {
            "padrao": r"^[a-z][a-z0-9_-]*$",
            "nota": (
                "Um nome sem domínio (como `db` ou `redis`) costuma ser o nome de um "
                "serviço do docker compose: só resolve dentro da rede do compose, "
                "e o serviço precisa escutar em 0.0.0.0 dentro do contêiner."
            ),
        },
    ],
    # O que pode entrar num comando sugerido (o resto vira HOST, PORTA...).
    "seguro": r"[\w.:-]+|/[\w./@-]+",
    # Texto que nada acima reconhece: o caminho genérico, nunca uma resposta vazia.
    "generico": {
        "nome": "Não reconhecida",
        "explicacao": (
            "Não reconhecemos esta mensagem. Comece pelo caminho que resolve a "
            "maioria dos casos: confira se algo escuta no endereço e na porta "
            "que o programa usa."
        ),
        "pagina": "diagnostico/#perguntas",
        "passos": [*PROCURAR_PORTA, TESTAR],
    },
}

REPO_URL = "https://github.com/referencia-python/connectionrefusederror"
MESSAGE_LIMIT = 200_000  # caracteres lidos de uma mensagem; o resto é ignorado
FIELD_MARK = re.compile(r"\{(host|porta|caminho)\}")


@dataclass
class Reading:
    """O que o leitor entendeu de uma mensagem de erro."""

    reconhecida: bool
    tipo: str | None
    tipo_nome: str
    explicacao: str
    quem: str
    quem_nome: str
    quem_explicacao: str
    host: str | None
    porta: int | None
    caminho: str | None
    biblioteca: str | None
    biblioteca_nome: str | None
    biblioteca_pagina: str | None
    notas: list[str]
    passos: list[str]
    pagina: str


def _search(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.IGNORECASE)


def _first(rows: list, text: str) -> object | None:
    """A primeira linha de `rows` com um sinal que aparece no texto."""
    for row in rows:
        if any(_search(pattern, text) for pattern in row["sinais"]):
            return row
    return None


def _where(text: str) -> dict[str, str]:
    for pattern, fields in MESSAGE_TABLE["onde"]:
        match = _search(pattern, text)
        if match:
            return dict(zip(fields, match.groups(), strict=True))
    return {}


def _fill(template: str, values: dict[str, str | None]) -> str:
    def value(match: re.Match[str]) -> str:
        found = values.get(match[1])
        if found and re.fullmatch(MESSAGE_TABLE["seguro"], found, re.IGNORECASE):
            return found
        return match[1].upper()

    return FIELD_MARK.sub(value, template)


def read_message(text: str) -> Reading:
    """Lê uma mensagem de erro qualquer pela tabela MESSAGE_TABLE."""
    text = text[:MESSAGE_LIMIT]
    table = MESSAGE_TABLE
    kind_id = next((k for p, k in table["sinais"] if _search(p, text)), None)
    kind = table["tipos"][kind_id] if kind_id else table["generico"]
    who_id = next(
        (
            name
            for name, row in table["quem"].items()
            if any(_search(p, text) for p in row["sinais"])
        ),
        "programa",
    )
    who = table["quem"][who_id]
    library = _first(table["bibliotecas"], text)
    where = _where(text)
    host = where.get("host")
    if host and host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    port_text = where.get("porta") or ""
    port = int(port_text) if port_text.isascii() and port_text.isdigit() else None
    if port is not None and not 1 <= port <= 65535:
        port = None
    address = next(
        (row for row in table["enderecos"] if host and _search(row["padrao"], host)),
        None,
    )
    values = {"host": host, "porta": str(port) if port else None}
    values["caminho"] = where.get("caminho")
    refusal = kind_id in (None, "recusada")
    if who_id != "programa" and refusal:
        named = library if library and library.get("quem") == who_id else who
        page, steps = named["pagina"], who["passos"]
    elif kind_id is None:
        page, steps = kind["pagina"], kind["passos"]
    elif refusal and address and "pagina" in address:
        page, steps = address["pagina"], kind["passos"]
    elif refusal and library:
        page = library["pagina"]
        steps = [*library.get("passos", []), *kind["passos"]]
    else:
        page, steps = kind["pagina"], kind["passos"]
    return Reading(
        reconhecida=kind_id is not None,
        tipo=kind_id,
        tipo_nome=kind["nome"],
        explicacao=kind["explicacao"],
        quem=who_id,
        quem_nome=who["nome"],
        quem_explicacao=_fill(who["explicacao"], values),
        host=host,
        porta=port,
        caminho=where.get("caminho"),
        biblioteca=library["id"] if library else None,
        biblioteca_nome=library["nome"] if library else None,
        biblioteca_pagina=SITE_URL + library["pagina"] if library else None,
        notas=[address["nota"]] if address else [],
        passos=[_fill(step, values) for step in steps],
        pagina=SITE_URL + page,
    )


def render_reading(reading: Reading) -> str:
    """A leitura em texto para pessoas."""
    if reading.caminho:
        where = f"socket {show(reading.caminho)}"
    elif reading.host or reading.porta:
        host = show(reading.host) if reading.host else "(host não informado)"
        port = f" porta {reading.porta}" if reading.porta else ""
        where = host + port
    else:
        where = "não aparece na mensagem"
    lines = [
        f"Mensagem lida: {reading.tipo_nome}",
        f"  Quem recusou: {reading.quem_nome}" if reading.reconhecida else "",
        f"  Onde: {where}",
    ]
    if reading.biblioteca_nome:
        lines.append(f"  Biblioteca: {reading.biblioteca_nome}")
    lines = [line for line in lines if line]
    wrap = {"width": 76, "subsequent_indent": "  "}
    lines.append(textwrap.fill(f"O que é: {reading.explicacao}", **wrap))
    if reading.quem != "programa":
        lines.append(
            textwrap.fill(f"Sobre quem recusou: {reading.quem_explicacao}", **wrap)
        )
    lines += [textwrap.fill(f"Nota: {note}", **wrap) for note in reading.notas]
    lines.append("Próximos passos:")
    lines += [f"  {step}" for step in reading.passos]
    lines.append(f"Página: {reading.pagina}")
    if not reading.reconhecida:
        report = f"{REPO_URL}/issues/new?template=mensagem.yml"
        lines.append(f"Não reconhecemos? Conte-nos qual foi a mensagem: {report}")
    return "\n".join(lines)


MESSAGE_USAGE = (
    "uso: python diagnostico.py --mensagem ARQUIVO [--so-ler] [--json] "
    "[--timeout SEGUNDOS]   (ARQUIVO - lê a entrada padrão)"
)
EXIT_UNREAD = EXIT_CODES["mensagem não reconhecida"]
EXIT_NO_ADDRESS = EXIT_CODES["mensagem sem endereço"]


def is_message_mode(argv: list[str]) -> bool:
    return any(a == "--mensagem" or a.startswith("--mensagem=") for a in argv)


@dataclass
class MessageArgs:
    """O que a linha de comando pediu com --mensagem."""

    source: str
    read_only: bool = False
    as_json: bool = False
    timeout: float = DEFAULT_TIMEOUT


def _parse_source(text: str | None) -> str:
    if not text:
        raise UsageError("--mensagem pede um ARQUIVO (ou - para a entrada).")
    return text


# As opções de HOST PORTA, mais as da leitura de uma mensagem.
MESSAGE_FLAGS = {**FLAGS, "--so-ler": "read_only"}
MESSAGE_OPTIONS = {**OPTIONS, "--mensagem": ("source", _parse_source)}


def parse_message_args(argv: list[str]) -> MessageArgs:
    """Lê --mensagem ARQUIVO, --so-ler, --json e --timeout."""
    options, positional = read_options(argv, MESSAGE_FLAGS, MESSAGE_OPTIONS)
    if positional:
        raise UsageError(
            f"com --mensagem, não informe HOST e PORTA ({show(positional[0])}): o "
            "endereço vem da mensagem."
        )
    return MessageArgs(**options)


def read_source(source: str) -> str:
    """O texto do ARQUIVO (``-``: a entrada padrão); UsageError se vazio."""
    limit = MESSAGE_LIMIT * 4  # bytes: até 4 por caractere em UTF-8
    if source == "-":
        stream = sys.stdin
        if stream is None:
            raise UsageError("a entrada padrão está fechada: não há mensagem.")
        try:
            data = getattr(stream, "buffer", stream).read(limit)
        except (OSError, ValueError):
            raise UsageError("não deu para ler a entrada padrão.") from None
    else:
        try:
            with open(source, "rb") as file:
                data = file.read(limit)
        except OSError as exc:
            name = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
            raise UsageError(f"não deu para ler {show(source)} ({name}).") from None
    text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
    if not text.strip():
        raise UsageError("a mensagem está vazia: cole o texto do erro no ARQUIVO.")
    return text


def _testable(reading: Reading) -> str | None:
    """O host da mensagem, se ele e a porta podem ser testados."""
    if not reading.host or not reading.porta:
        return None
    try:
        return _parse_host(reading.host)
    except UsageError:
        return None


def run_message(argv: list[str]) -> int:
    try:
        args = parse_message_args(argv)
        text = read_source(args.source)
    except UsageError as exc:
        emit(f"erro: {exc}\n{MESSAGE_USAGE}", sys.stderr)
        return EXIT_USAGE
    reading = read_message(text)
    host = _testable(reading)
    report = None
    if args.read_only or host is None:
        code = 0 if reading.reconhecida else EXIT_UNREAD
        if reading.reconhecida and host is None and not args.read_only:
            code = EXIT_NO_ADDRESS
    else:
        report = diagnose(host, reading.porta or 0, args.timeout)
        code = report.codigo_saida
    if args.as_json:
        data = {
            "mensagem": asdict(reading),
            "diagnostico": asdict(report) if report else None,
            "codigo_saida": code,
        }
        emit(to_json(data), sys.stdout)
        return code
    parts = [render_reading(reading)]
    if report is not None:
        parts.append(render(report))
    elif not args.read_only and reading.reconhecida:
        parts.append("Sem host e porta na mensagem: nada a testar.")
    emit("\n\n".join(parts), sys.stdout)
    return code


def to_json(data: object) -> str:
    """JSON com acentos; só ASCII (ainda JSON) se a saída não for UTF-8."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if encoding.lower().replace("-", "") != "utf8":
        return json.dumps(data, indent=2)
    return json.dumps(data, ensure_ascii=False, indent=2)


def help_text() -> str:
    codes = ", ".join(f"{code} {name}" for name, code in EXIT_CODES.items())
    return (
        f"{USAGE}\n"
        f"Tenta todos os endereços ao mesmo tempo; termina em até SEGUNDOS "
        f"(padrão {DEFAULT_TIMEOUT:g}) depois de resolver o nome.\n"
        f"Códigos de saída: {codes}.\n"
        f"{MESSAGE_USAGE}\n"
        f"Lê uma mensagem de erro, diz o que ela é e a página que responde, e "
        f"testa o host e a porta que ela cita (--so-ler: só lê)."
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
    if is_message_mode(argv):
        return run_message(argv)
    try:
        args = parse_args(argv)
    except UsageError as exc:
        emit(f"erro: {exc}\n{USAGE}", sys.stderr)
        return EXIT_USAGE
    report = diagnose(args.host, args.port, args.timeout)
    if args.as_json:
        emit(to_json(asdict(report)), sys.stdout)
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
