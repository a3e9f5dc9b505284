def test_health_answers_the_contract_shape(anon):
    response = anon.get("/api/v1/health/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body == {"status": "ok", "checks": {"database": "ok", "search": "ok", "pending_index_updates": 0, "search_drift": 0}}


def test_search_unavailable_is_degraded_but_200(anon, monkeypatch):
    monkeypatch.setattr("search.status.search_health", lambda: "unavailable")
    response = anon.get("/api/v1/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded" and response.json()["checks"]["search"] == "unavailable"


def test_a_failing_search_check_is_reported_not_raised(anon, monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr("search.status.search_health", broken)
    monkeypatch.setattr("search.status.pending_index_updates", broken)
    body = anon.get("/api/v1/health/").json()
    assert body["checks"]["search"] == "unavailable" and body["checks"]["pending_index_updates"] is None


def test_database_unavailable_is_503(anon, monkeypatch):
    monkeypatch.setattr("frontend_api.views.health.database_status", lambda: "unavailable")
    response = anon.get("/api/v1/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded" and response.json()["checks"]["database"] == "unavailable"
