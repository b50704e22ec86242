"""Receitas para conviver com `ConnectionRefusedError`.

Quatro funções pequenas, tipadas e só com a biblioteca padrão: esperar uma
porta abrir, conectar com novas tentativas, reconhecer uma recusa escondida
dentro da exceção de outra biblioteca e saber se quem recusou foi um proxy.
Copie o arquivo inteiro ou só a função de que precisar. Funciona no Python
3.10 ou mais novo.
"""

from __future__ import annotations

import errno
import math
import random
import re
import socket
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable

__all__ = ["connect_with_retry", "is_connection_refused", "proxy_for", "wait_for_port"]

Address = tuple[str, int]

# Códigos de "conexão recusada" que aparecem no texto de erros agregados:
# ECONNREFUSED (POSIX), WSAECONNREFUSED e ERROR_CONNECTION_REFUSED (Windows).
_REFUSED_CODES = {errno.ECONNREFUSED, 10061, 1225}
# "Endereço local indisponível" (EADDRNOTAVAIL; WSAEADDRNOTAVAIL no Windows):
# nada foi enviado. Sozinho não é recusa; num grupo, é um endereço que não se
# pôde usar aqui (por exemplo ::1 com o IPv6 desligado) e não desfaz a recusa
# dos outros.
_UNUSABLE_CODES = {errno.EADDRNOTAVAIL, 10049}
_ERROR_CODE = re.compile(r"\[(?:Errno|WinError) (\d+)\]")
# A maior espera que o sistema aceita (`time.sleep`, `socket.settimeout`).
_MAX_SECONDS = threading.TIMEOUT_MAX


def wait_for_port(
    host: str,
    port: int,
    *,
    timeout: float = 30.0,
    interval: float = 0.1,
    connect_timeout: float = 1.0,
) -> float:
    """Espera até que `host:port` aceite conexões TCP.

    Tenta conectar a cada `interval` segundos até conseguir ou até esgotar o
    prazo total. Qualquer `OSError` conta como "ainda não": recusa enquanto o
    serviço sobe, nome ainda não resolvido enquanto o contêiner nasce, tempo
    esgotado. A conexão de teste é fechada em seguida.

    Aceitar a conexão não é estar pronto: quando um proxy aceita no lugar do
    servidor (uma porta publicada pelo Docker, com o `docker-proxy`), a espera
    termina antes de o serviço atender. Nesses casos, espere também por uma
    resposta do protocolo (`pg_isready -h`, um `PING`, um `GET /health`).

    Args:
        host: Nome ou endereço do serviço.
        port: Porta TCP do serviço, de 1 a 65535.
        timeout: Prazo total, em segundos: maior que zero; `math.inf` espera
            para sempre.
        interval: Pausa entre tentativas, em segundos: maior que zero e finita.
        connect_timeout: Tempo-limite de cada tentativa, em segundos: maior
            que zero e finito.

    Returns:
        Quantos segundos se passaram até a porta aceitar a conexão.

    Raises:
        TimeoutError: O prazo acabou; o último erro de conexão fica em
            `__cause__`.
        ValueError: Antes de qualquer tentativa, se um argumento está fora da
            faixa: `port` fora de 1 a 65535, ou uma duração `nan`, zero,
            negativa, infinita onde não cabe ou maior que a maior espera do
            sistema (`threading.TIMEOUT_MAX`). A mensagem diz qual e o que
            ele aceita, por exemplo `"interval deve ser um número de segundos
            maior que 0 e até 9223372036, não nan"` (o limite é o do Linux).
        TypeError: Uma duração que não é `int` nem `float`, ou uma porta que
            não é `int`.
    """
    _check_port(port)
    _check_seconds("timeout", timeout, infinite=True)
    _check_seconds("interval", interval)
    _check_seconds("connect_timeout", connect_timeout)
    start = time.monotonic()
    deadline = start + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            with socket.create_connection(
                (host, port), timeout=max(min(connect_timeout, remaining), 0.001)
            ):
                return time.monotonic() - start
        except OSError as exc:
            last_error = exc
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(
                f"{host}:{port} não aceitou conexões em {timeout:g} s"
            ) from last_error
        time.sleep(min(interval, remaining))


def connect_with_retry(
    address: Address,
    *,
    attempts: int = 5,
    base_delay: float = 0.1,
    max_delay: float = 2.0,
    deadline: float | None = 10.0,
    timeout: float = 2.0,
    retry_on: tuple[type[OSError], ...] = (ConnectionRefusedError,),
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> socket.socket:
    """Conecta a `address`, tentando de novo com recuo exponencial e jitter.

    Entre as tentativas espera um tempo sorteado entre 0 e
    `min(max_delay, base_delay * 2 ** n)` ("full jitter"): clientes que falharam
    juntos não voltam juntos. Só repete os erros de `retry_on`. Por padrão, só
    a recusa: ela garante que nada chegou ao servidor e custa quase nada.
    `TimeoutError` também é seguro de repetir num `connect`, mas cada tentativa
    custa `timeout` segundos; inclua-o de propósito, se for o caso.

    Args:
        address: Par `(host, porta)`.
        attempts: Número máximo de tentativas, um `int` de 1 ou mais.
        base_delay: Espera-base, em segundos, dobrada a cada tentativa: zero
            ou mais, finita.
        max_delay: Teto de cada espera, em segundos: zero ou mais, finito.
        deadline: Prazo total em segundos (zero ou mais; `math.inf` é o
            mesmo que nenhum), ou `None` para não ter prazo.
            Não se começa uma espera que ultrapassaria o prazo, e cada
            tentativa tem como tempo-limite, no máximo, o que resta do prazo.
            Com prazo zero, faz uma única tentativa, com `timeout`.
        timeout: Tempo-limite de cada tentativa de conexão, em segundos:
            maior que zero e finito.
        retry_on: Exceções que valem nova tentativa (subclasses de `OSError`).
        sleep: Função de espera (troque-a em testes).
        rng: Gerador de números aleatórios. Sem ele, usa o do módulo
            `random` (em testes, fixe a semente com `random.seed`).

    Returns:
        O socket conectado. Use-o com `with` para fechá-lo.

    Raises:
        OSError: O último erro, do mesmo tipo que o `connect` levantou (por
            exemplo `ConnectionRefusedError`), quando as tentativas ou o prazo
            acabam, ou de imediato se o erro não estiver em `retry_on`. No
            Python 3.11+ ele leva uma nota com o número de tentativas.
        ValueError: Antes da primeira tentativa, se um argumento está fora da
            faixa: `attempts` menor que 1, a porta de `address` fora de 1 a
            65535, ou uma duração `nan`, negativa, zero onde não cabe
            (`timeout`), infinita onde não cabe ou maior que a maior espera do
            sistema (`threading.TIMEOUT_MAX`). A mensagem diz qual e o que ele
            aceita, por exemplo `"timeout deve ser um número de segundos maior
            que 0 e até 9223372036, não 0"` (o limite é o do Linux).
        TypeError: `attempts` ou a porta que não é `int`, uma duração que não
            é `int` nem `float`, ou `retry_on` que não é uma tupla de
            subclasses de `OSError`.
    """
    if isinstance(attempts, bool) or not isinstance(attempts, int):
        raise TypeError(f"attempts deve ser inteiro, não {type(attempts).__name__}")
    if attempts < 1:
        raise ValueError(f"attempts deve ser 1 ou mais, não {attempts}")
    _check_port(address[1])
    _check_seconds("base_delay", base_delay, zero=True)
    _check_seconds("max_delay", max_delay, zero=True)
    if deadline is not None:
        _check_seconds("deadline", deadline, zero=True, infinite=True)
    _check_seconds("timeout", timeout)
    if not isinstance(retry_on, tuple) or not all(
        isinstance(kind, type) and issubclass(kind, OSError) for kind in retry_on
    ):
        raise TypeError("retry_on deve ser uma tupla de subclasses de OSError")
    uniform = rng.uniform if rng is not None else random.uniform
    # Teto da próxima espera: dobra a cada recusa, sem passar de max_delay
    # (calculado assim, nunca estoura, por mais tentativas que haja).
    ceiling = min(max_delay, base_delay)
    start = time.monotonic()
    for attempt in range(1, attempts + 1):
        attempt_timeout = timeout
        if deadline is not None and 0 < deadline < math.inf:  # não passa do prazo
            remaining = deadline - (time.monotonic() - start)
            attempt_timeout = max(min(timeout, remaining), 0.001)
        try:
            return socket.create_connection(address, timeout=attempt_timeout)
        except retry_on as exc:
            delay = uniform(0, ceiling)
            ceiling = min(max_delay, ceiling * 2)
            elapsed = time.monotonic() - start
            out_of_time = deadline is not None and elapsed + delay > deadline
            if attempt == attempts or out_of_time:
                if hasattr(exc, "add_note"):  # Python 3.11+
                    exc.add_note(
                        f"{attempt} tentativa(s) em {elapsed:.2f} s para "
                        f"{address[0]}:{address[1]}"
                    )
                raise
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover


def is_connection_refused(exc: BaseException) -> bool:
    """Diz se `exc` é, ou esconde, uma conexão recusada.

    Procura em toda a cadeia da exceção, sem importar as bibliotecas:

    - a própria `ConnectionRefusedError`, ou `OSError` com `errno`
      `ECONNREFUSED`;
    - `__cause__` e `__context__` (httpx, urllib3, redis-py);
    - atributos que guardam a causa: `reason` (`urllib.error.URLError`,
      `urllib3.exceptions.MaxRetryError`) e `os_error`
      (`aiohttp.ClientConnectorError`);
    - exceções guardadas em `args` (`requests.exceptions.ConnectionError`);
    - `ExceptionGroup` (Python 3.11+, `all_errors=True`), quando **todas** as
      exceções do grupo são recusas;
    - o `OSError("Multiple exceptions: ...")` do `asyncio`, quando todos os
      erros listados na mensagem são recusas.

    Nos grupos e nas mensagens agregadas, um endereço que falhou com
    `EADDRNOTAVAIL` (endereço local indisponível, como `::1` com o IPv6
    desligado) é ignorado: basta que os demais tenham recusado. Sozinho,
    `EADDRNOTAVAIL` não é recusa: nada foi enviado. Uma `TimeoutError` também
    não é, mesmo que a causa guardada seja uma recusa (a de `wait_for_port`
    quando o prazo acaba): o que aconteceu foi o prazo acabar.

    Não diz **quem** recusou: com um proxy nas variáveis de ambiente, a recusa
    pode ter vindo dele, e a mensagem da biblioteca nem sempre diz (urllib e
    httpx não dizem). Para saber, use `proxy_for`.

    Args:
        exc: A exceção capturada.

    Returns:
        `True` se a falha foi uma recusa de conexão.
    """
    # Uma busca em profundidade com pilha própria, sem recursão: grupos
    # aninhados a milhares de níveis não esgotam a pilha do Python. Um grupo
    # é recusa se todos os membros são; os outros, se algum elo é. Um elo que
    # volta a uma exceção ainda em exame (um ciclo) não conta como recusa.
    verdicts: dict[int, bool | None] = {}  # id -> veredito (`None`: em exame)
    stack = [exc]
    while stack:
        current = stack[-1]
        if verdicts.get(id(current)) is not None:
            stack.pop()
            continue
        is_group, links = _links(current)
        if id(current) not in verdicts:  # primeira visita
            if _is_refusal_itself(current):
                verdicts[id(current)] = True
            elif isinstance(current, TimeoutError):
                # O prazo acabou: não é recusa, qualquer que seja a causa.
                verdicts[id(current)] = False
            else:
                verdicts[id(current)] = None
                stack.extend(link for link in links if id(link) not in verdicts)
                continue
            stack.pop()
            continue
        found = [verdicts.get(id(link)) is True for link in links]  # na volta
        verdicts[id(current)] = (all(found) and bool(found)) if is_group else any(found)
        stack.pop()
    return verdicts[id(exc)] is True


def _links(exc: BaseException) -> tuple[bool, list[BaseException]]:
    """Se `exc` é um grupo, e as exceções ligadas a ela que contam."""
    group = getattr(exc, "exceptions", None)
    if isinstance(group, tuple) and group:
        # Um grupo só de endereços inutilizáveis (sem membros) não é recusa.
        return True, [sub for sub in group if not _is_unusable_address(sub)]
    linked = [
        exc.__cause__,
        exc.__context__,
        getattr(exc, "reason", None),
        getattr(exc, "os_error", None),
        *exc.args,
    ]
    return False, [item for item in linked if isinstance(item, BaseException)]


def _is_refusal_itself(exc: BaseException) -> bool:
    if isinstance(exc, ConnectionRefusedError):
        return True
    if not isinstance(exc, OSError):
        return False
    if exc.errno in _REFUSED_CODES:
        return True
    message = str(exc)
    if exc.errno is None and message.startswith("Multiple exceptions:"):
        codes = [int(code) for code in _ERROR_CODE.findall(message)]
        usable = [code for code in codes if code not in _UNUSABLE_CODES]
        return bool(usable) and all(code in _REFUSED_CODES for code in usable)
    return False


def _is_unusable_address(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in _UNUSABLE_CODES


def _check_port(port: int) -> None:
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"a porta deve ser inteira, não {type(port).__name__}")
    if not 1 <= port <= 65535:
        raise ValueError(f"a porta deve ir de 1 a 65535, não {port}")


def _check_seconds(
    name: str, value: float, *, zero: bool = False, infinite: bool = False
) -> None:
    """Levanta ValueError (ou TypeError) se `value` não serve como duração."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} deve ser um número, não {type(value).__name__}")
    if infinite and value == math.inf:
        return
    if not (value >= 0 if zero else value > 0) or not value <= _MAX_SECONDS:
        low = "de 0" if zero else "maior que 0 e"
        endless = " (ou infinito)" if infinite else ""
        raise ValueError(
            f"{name} deve ser um número de segundos {low} até "
            f"{_MAX_SECONDS:.0f}{endless}, não {value!r}"
        )


def proxy_for(url: str, *, all_proxy: bool = True) -> str | None:
    """Diz por qual proxy as variáveis de ambiente mandam `url`, se por algum.

    Segue as regras que o urllib, o requests e o httpx (e o aiohttp com
    `trust_env=True`) aplicam: `HTTP_PROXY` vale só para URLs `http://`,
    `HTTPS_PROXY` para `https://`, e `NO_PROXY` tira hosts da lista. Onde
    eles discordam, segue o urllib (`urllib.request.proxy_bypass`): uma faixa
    CIDR em `NO_PROXY`, como `127.0.0.0/8`, não tira nenhum host da lista; o
    httpx também a ignora, mas o requests a lê e vai direto ao servidor. Com um
    proxy no caminho, uma recusa pode ser dele, e não do servidor: use esta
    função junto com `is_connection_refused` para dizer quem recusou. Não vale
    para um cliente que ignora o ambiente (`trust_env=False` no requests e no
    httpx, o padrão do aiohttp).

    Args:
        url: O endereço pedido, por exemplo `"http://127.0.0.1:8000/"`.
        all_proxy: Considerar também `ALL_PROXY`, como fazem o requests e o
            httpx. O urllib o ignora: passe `False` para ele.

    Returns:
        O endereço do proxy (como está na variável), ou `None` se a conexão
        vai direto ao servidor.
    """
    parts = urllib.parse.urlsplit(url)
    proxies = urllib.request.getproxies()
    proxy = proxies.get(parts.scheme) or (proxies.get("all") if all_proxy else None)
    if not proxy or not parts.hostname:
        return None
    if urllib.request.proxy_bypass(parts.hostname):
        return None
    return proxy
