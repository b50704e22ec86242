import socket


def wrong_order() -> None:
    try:
        with socket.create_connection(("127.0.0.1", 8080), timeout=2):
            pass
    except OSError:  # captura tudo o que vem abaixo...
        print("errado: caiu no ramo genérico de OSError")
        #> errado: caiu no ramo genérico de OSError
    except ConnectionRefusedError:  # ...então este ramo nunca roda
        print("recusada")


def right_order() -> None:
    try:
        with socket.create_connection(("127.0.0.1", 8080), timeout=2):
            pass
    except ConnectionRefusedError:  # a mais específica primeiro
        print("certo: conexão recusada")
        #> certo: conexão recusada
    except OSError:
        print("outro erro de rede")


wrong_order()
right_order()
