import socket

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.settimeout(2)  # não espera minutos por um firewall que descarta pacotes
    try:
        s.connect(("localhost", 8080))
        print("Conectado.")
    except ConnectionRefusedError:
        print("Conexão recusada: o servidor pode não estar em execução.")
        #> Conexão recusada: o servidor pode não estar em execução.
    except OSError as e:  # demais erros de rede: tempo esgotado, DNS, rota
        print(f"Um erro ocorreu: {e}")
