import traceback

from cassandra.cluster import Cluster, NoHostAvailable

cluster = Cluster(["127.0.0.1"], port=9042, connect_timeout=3)
try:
    session = cluster.connect()
except NoHostAvailable as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
finally:
    cluster.shutdown()
