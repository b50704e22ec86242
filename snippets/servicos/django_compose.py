import os
import traceback

import django
from django.conf import settings
from django.db import OperationalError, connection

# No docker-compose, o banco é outro contêiner: o endereço é o nome do serviço
# (`db`), não `localhost`. Sem `DB_HOST` no ambiente, vale o padrão errado.
settings.configure(
    DATABASES={
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "HOST": os.environ.get("DB_HOST", "localhost"),
            "PORT": "5432",
            "NAME": "app",
            "USER": "app",
            "PASSWORD": "segredo",
            "OPTIONS": {"connect_timeout": 3},
        }
    }
)
django.setup()

try:
    connection.ensure_connection()
except OperationalError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
finally:
    connection.close()
