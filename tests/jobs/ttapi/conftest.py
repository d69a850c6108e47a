import pytest

from contract.producer import DEFAULT_MODELS


@pytest.fixture(autouse=True)
def ttapi_settings(settings):
    """Known values for every TTAPI setting, whatever the environment says."""
    settings.TTAPI_BASE_URL = "https://api.ttapi.io"
    settings.TTAPI_TIMEOUT = 30.0
    settings.TTAPI_DISABLED_ACTIONS = []
    settings.TTAPI_MODELS = list(DEFAULT_MODELS)
    settings.FLOWMUSIC_MODELS = []
    settings.TTAPI_DISABLED_ENGINES = []
    return settings
