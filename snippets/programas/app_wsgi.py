"""Uma aplicação WSGI mínima: o gunicorn a serve com `gunicorn app_wsgi:app`."""


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [b"ok\n"]
