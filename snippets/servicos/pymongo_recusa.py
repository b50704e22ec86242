import re
import traceback

import pymongo
from pymongo.errors import ServerSelectionTimeoutError

# Sem serverSelectionTimeoutMS, o PyMongo espera 30 s antes de desistir.
with pymongo.MongoClient(
    "mongodb://127.0.0.1:27017/", serverSelectionTimeoutMS=300
) as client:
    try:
        print(client.admin.command("ping"))
    except ServerSelectionTimeoutError as exc:
        line = "".join(traceback.format_exception_only(exc))
        # O id da topologia muda a cada execução: trocado por <id>.
        print(re.sub(r"id: [0-9a-f]{24}", "id: <id>", line), end="")
