import traceback

from kafka import KafkaProducer
from kafka.errors import KafkaError

try:
    # O padrão espera 2 s pelo broker antes de desistir; aqui, 1 s.
    producer = KafkaProducer(
        bootstrap_servers="127.0.0.1:9092", api_version_auto_timeout_ms=1000
    )
except KafkaError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
else:
    producer.close()
