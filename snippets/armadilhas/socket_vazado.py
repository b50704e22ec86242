import socket

s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # sem with, sem timeout
try:
    s.connect(("localhost", 8080))
except ConnectionRefusedError:
    print("Conexão recusada.")
    #> Conexão recusada.
# Ninguém chamou s.close(): o socket fica aberto enquanto s existir (aqui, até
# o fim do programa).
