import http.client

connection = http.client.HTTPConnection("127.0.0.1", 8000, timeout=2)
try:
    connection.request("GET", "/")
    print("HTTP", connection.getresponse().status)
except ConnectionRefusedError:
    print("Recusada: http.client levanta a exceção embutida, sem embrulho.")
    #> Recusada: http.client levanta a exceção embutida, sem embrulho.
finally:
    connection.close()
