import traceback

import boto3
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError

s3 = boto3.client(
    "s3",
    endpoint_url="http://127.0.0.1:4566",  # o LocalStack, na porta padrão
    region_name="us-east-1",
    aws_access_key_id="test",
    aws_secret_access_key="test",
    # Uma tentativa só, com tempo-limite: o padrão tenta de novo.
    config=Config(connect_timeout=3, retries={"total_max_attempts": 1}),
)
try:
    print(s3.list_buckets()["Buckets"])
except EndpointConnectionError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
finally:
    s3.close()
