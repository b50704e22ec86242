"""Receitas para conviver com `ConnectionRefusedError`.

Quatro funções pequenas, tipadas e só com a biblioteca padrão: esperar uma
porta abrir, conectar com novas tentativas, reconhecer uma recusa escondida
dentro da exceção de outra biblioteca e saber se quem recusou foi um proxy.
Copie o arquivo inteiro ou só a função de que precisar. Funciona no Python
3.10 ou mais novo.
"""

from __future__ import annotations

import errno
import random
import re
import socket
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

    Args:
        host: Nome ou endereço do serviço.
        port: Porta TCP do serviço.
        timeout: Prazo total, em segundos.
        interval: Pausa entre tentativas, em segundos.
        connect_timeout: Tempo-limite de cada tentativa, em segundos.

    Returns:
        Quantos segundos se passaram até a porta aceitar a conexão.

    Raises:
        TimeoutError: O prazo acabou; o último erro de conexão fica em
            `__cause__`.
        ValueError: `timeout`, `interval` ou `connect_timeout` não positivos.
    """
    if min(timeout, interval, connect_timeout) <= 0:
        raise ValueError("timeout, interval e connect_timeout devem ser positivos")
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
        attempts: Número máximo de tentativas (1 ou mais).
        base_delay: Espera-base, em segundos, dobrada a cada tentativa.
        max_delay: Teto de cada espera, em segundos.
        deadline: Prazo total em segundos, ou `None` para não ter prazo.
            Não se começa uma espera que ultrapassaria o prazo, e cada
            tentativa tem como tempo-limite, no máximo, o que resta do prazo.
            Com prazo zero, faz uma única tentativa, com `timeout`.
        timeout: Tempo-limite de cada tentativa de conexão, em segundos.
        retry_on: Exceções que valem nova tentativa.
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
        ValueError: `attempts` menor que 1.
    """
    if attempts < 1:
        raise ValueError("attempts deve ser 1 ou mais")
    uniform = rng.uniform if rng is not None else random.uniform
    start = time.monotonic()
    for attempt in range(1, attempts + 1):
        attempt_timeout = timeout
        if deadline is not None and deadline > 0:  # a tentativa não passa do prazo
            remaining = deadline - (time.monotonic() - start)
            attempt_timeout = max(min(timeout, remaining), 0.001)
        try:
            return socket.create_connection(address, timeout=attempt_timeout)
        except retry_on as exc:
            delay = uniform(0, min(max_delay, base_delay * 2 ** (attempt - 1)))
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
    seen: set[int] = set()
    pending: list[BaseException] = [exc]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if _is_refusal_itself(current):
            return True
        if isinstance(current, TimeoutError):
            continue  # o prazo acabou: não é recusa, qualquer que seja a causa
        group = getattr(current, "exceptions", None)
        if isinstance(group, tuple) and group:
            usable = [sub for sub in group if not _is_unusable_address(sub)]
            if usable and all(is_connection_refused(sub) for sub in usable):
                return True
            continue  # um grupo misto não é "recusado"
        linked = [
            current.__cause__,
            current.__context__,
            getattr(current, "reason", None),
            getattr(current, "os_error", None),
            *current.args,
        ]
        pending.extend(item for item in linked if isinstance(item, BaseException))
    return False


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


def proxy_for(url: str, *, all_proxy: bool = True) -> str | None:
    """Diz por qual proxy as variáveis de ambiente mandam `url`, se por algum.

    Segue as regras que o urllib, o requests e o httpx (e o aiohttp com
    `trust_env=True`) aplicam: `HTTP_PROXY` vale só para URLs `http://`,
    `HTTPS_PROXY` para `https://`, e `NO_PROXY` tira hosts da lista. Com um
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
