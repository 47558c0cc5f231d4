"""The simulator as capacity planner: its figures, the sweep table, and the sweep on /reports."""
from __future__ import annotations

from queue_core import connect
from queue_core.simulation import Scenario, simulate, simulated_office
from queue_core.simulation_report import figures, format_report, format_sweep, latest_sweep, save_sweep, sweep

from test_desk_support import bearer, make_token


def test_a_simulated_day_reports_punctuality_waits_and_estimate_accuracy():
    report = simulate(simulated_office(3), Scenario(walk_ins_per_hour=5, appointment_share=0.5, seed=2))
    f = figures(report)
    assert report.appointment_delays and report.walk_ins
    assert 0 <= f.punctual <= 1 and f.walk_in_p90 >= f.walk_in_median >= 0
    assert 0 <= f.inside_range <= 1 and f.estimate_mae >= abs(f.estimate_bias) - 1e-9
    text = format_report(report)
    assert "Appointments called within 5 min" in text and "mean absolute error" in text and "turned away" in text


def test_the_same_seed_gives_the_same_day():
    one = figures(simulate(simulated_office(2), Scenario(walk_ins_per_hour=4, seed=5)))
    two = figures(simulate(simulated_office(2), Scenario(walk_ins_per_hour=4, seed=5)))
    assert one == two


def test_a_saved_sweep_is_drawn_on_the_report_page(app, client, db_path, clock):
    rows = sweep(simulated_office(2), Scenario(seed=3), shares=(0.5,), rates=(0.0, 3.0))
    assert [r.walk_ins_per_hour for r in rows] == [0.0, 3.0]
    assert "walk-ins/h" in format_sweep(rows)
    db = connect(db_path)
    save_sweep(db, rows, Scenario(seed=3), clock.now())
    assert latest_sweep(db)["rows"][1]["walk_ins_per_hour"] == 3.0
    db.close()
    page = client.get("/reports", headers=bearer(make_token(app, "chefin", role="admin"))).get_data(as_text=True)
    assert "Kapazitätsplanung" in page and 'id="planner-table"' in page and "50 % der Termine vergeben" in page
