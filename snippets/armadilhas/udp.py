import socket

with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
    s.settimeout(0.3)
    s.connect(("127.0.0.1", 9999))  # UDP: nenhum pacote sai aqui
    s.send(b"ping")  # o envio "funciona": ninguém confirma nada
    print("Enviado sem erro.")
    #> Enviado sem erro.
    try:
        s.recv(1024)
        print("Resposta recebida.")
    except ConnectionRefusedError:
        print("A recusa aparece só depois, no recv.")
        #> A recusa aparece só depois, no recv.
    except TimeoutError:
        print("Nenhuma resposta (e nenhuma recusa) até o tempo-limite.")
