import traceback

from celery import Celery
from kombu.exceptions import OperationalError

# A configuração não foi carregada (faltou config_from_object, a variável de
# ambiente ou o `import` do módulo): o Celery usa o broker padrão.
app = Celery("tarefas")
with app.connection_for_write() as conn:
    print("# broker:", conn.as_uri())

try:
    app.send_task("tarefas.somar", args=(2, 3))
except OperationalError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
    print("# causa:", type(exc.__cause__).__name__)
