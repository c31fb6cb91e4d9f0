"""What a server process loads once is frozen out of the garbage collector's walks."""

import gc
import importlib

from portal.runtime import settle


def test_settling_freezes_what_the_process_holds():
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    settle()
    assert gc.get_freeze_count() > 10_000  # Django, the apps and the test run itself
    gc.unfreeze()


def test_the_wsgi_application_settles_once_loaded():
    gc.unfreeze()
    import portal.wsgi

    importlib.reload(portal.wsgi)
    assert gc.get_freeze_count() > 10_000
    assert callable(portal.wsgi.application)
    gc.unfreeze()
