import traceback

from selenium import webdriver
from urllib3.exceptions import MaxRetryError

# O driver (chromedriver, geckodriver) é um servidor HTTP local; aqui, na
# porta 9515. `driver.quit()` encerra a sessão e o processo do driver.
driver = webdriver.Remote("http://127.0.0.1:9515", options=webdriver.ChromeOptions())
print("Sessão:", driver.session_id)
driver.quit()

try:
    driver.get("http://127.0.0.1:8000/")  # usa o driver depois do `quit()`
except MaxRetryError as exc:
    print(*traceback.format_exception_only(exc), sep="", end="")
