import socket

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.settimeout(2)
    if s.connect_ex(("127.0.0.1", 8080)):  # ERRADO: verdadeiro quando FALHOU
        print("porta aberta")
        #> porta aberta
