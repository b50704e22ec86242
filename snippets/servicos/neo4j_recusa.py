import traceback

from neo4j import GraphDatabase
from neo4j.exceptions import ServiceUnavailable

with GraphDatabase.driver(
    "bolt://127.0.0.1:7687", auth=("neo4j", "segredo"), connection_timeout=3
) as driver:
    try:
        driver.verify_connectivity()
    except ServiceUnavailable as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
