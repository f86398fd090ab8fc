"""Tell the harness which probe modules the selected tests need, so that only those run."""
import test_differential


def pytest_collection_modifyitems(session, config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "probe_id" in callspec.params:
            test_differential.SELECTED.add(callspec.params["probe_id"].split("::")[0])
