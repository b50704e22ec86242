import traceback

from selenium import webdriver
from selenium.common.exceptions import InvalidSessionIdException
from urllib3.exceptions import MaxRetryError

# Um driver (chromedriver, geckodriver, um Grid) é um servidor HTTP; aqui, na
# porta 9515. Com `webdriver.Remote`, `quit()` encerra a sessão e o servidor
# continua no ar. Nada escutando na porta, a recusa chega já ao criar a sessão.
options = webdriver.ChromeOptions()
try:
    driver = webdriver.Remote("http://127.0.0.1:9515", options=options)
except MaxRetryError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
else:
    print("# sessão:", driver.session_id)
    driver.quit()
    try:
        driver.get("http://127.0.0.1:8000/")  # usa a sessão depois do `quit()`
    except InvalidSessionIdException as exc:
        print(*traceback.format_exception_only(exc), sep="", end="")
