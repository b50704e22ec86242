import grpc

with grpc.insecure_channel("127.0.0.1:50051") as channel:
    # Sem o código gerado a partir do .proto: o método pelo nome completo.
    say_hello = channel.unary_unary("/helloworld.Greeter/SayHello")
    try:
        say_hello(b"", timeout=3)
    except grpc.RpcError as exc:
        print(exc.code())
        print(exc.details())
