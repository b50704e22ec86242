"""Receitas para conviver com `ConnectionRefusedError`.

Três funções pequenas, tipadas e só com a biblioteca padrão: esperar uma porta
abrir, conectar com novas tentativas e reconhecer uma recusa escondida dentro
da exceção de outra biblioteca. Copie o arquivo inteiro ou só a função de que
precisar. Funciona no Python 3.10 ou mais novo.
"""

from __future__ import annotations

import errno
import random
import re
import socket
import time
from collections.abc import Callable

__all__ = ["connect_with_retry", "is_connection_refused", "wait_for_port"]

Address = tuple[str, int]

# Códigos de "conexão recusada" que aparecem no texto de erros agregados:
# ECONNREFUSED (POSIX), WSAECONNREFUSED e ERROR_CONNECTION_REFUSED (Windows).
_REFUSED_CODES = {errno.ECONNREFUSED, 10061, 1225}
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
            Não se começa uma espera que ultrapassaria o prazo.
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
        try:
            return socket.create_connection(address, timeout=timeout)
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
        group = getattr(current, "exceptions", None)
        if isinstance(group, tuple) and group:
            if all(is_connection_refused(sub) for sub in group):
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
        return bool(codes) and all(code in _REFUSED_CODES for code in codes)
    return False
