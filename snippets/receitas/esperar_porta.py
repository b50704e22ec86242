from recipes import wait_for_port

try:
    # Em produção, dê ao serviço de 30 a 60 s; aqui, meio segundo basta.
    wait_for_port("127.0.0.1", 5432, timeout=0.5, interval=0.05)
    print("Banco de dados pronto.")
    #> Banco de dados pronto.
except TimeoutError as exc:
    print(f"Desisti: {exc} (último erro: {type(exc.__cause__).__name__})")
