"""The `terminpraxis` command: set up the database, seed the demo, manage staff, purge, simulate."""
from __future__ import annotations

import sys
import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app

from queue_core import accounts, outbox
from queue_core.backup import BackupError, backup, backup_into, check, restore
from queue_core.importer import import_file
from queue_core.errors import QueueError
from queue_core.simulation import APPOINTMENT_MIX, WALK_IN_MIX, Scenario, run_day, simulated_office
from queue_core.simulation import simulate as run_simulation
from queue_core.simulation_report import format_report, format_sweep, save_sweep, sweep as planner_sweep

from web import demo
from web.config import ConfigError, settings
from web.engine import open_engine

from . import create_app


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Terminpraxis: an appointment-first waiting-room system.

    Configuration comes from TERMINPRAXIS_CONFIG (a TOML file), TERMINPRAXIS_DATABASE and other
    TERMINPRAXIS_* variables; see docs/configuration.md.
    """
    try:
        app = create_app({"ASYNC_MODE": "threading"})
    except (ConfigError, QueueError) as error:
        raise click.ClickException(f"configuration error: {getattr(error, 'message', error)}") from None
    ctx.with_resource(app.app_context())


def _engine():
    engine = open_engine(current_app)
    engine.sync_caseworkers()
    return engine


def _fail(error: QueueError) -> None:
    raise click.ClickException(error.message)


@cli.command("init-db")
def init_db() -> None:
    """Create or migrate the database and register the configured caseworkers."""
    _engine()
    click.echo(f"Database ready: {settings().database}")


@cli.command("demo")
@click.option("--force", is_flag=True, help="Seed even when the database already has appointments.")
def demo_command(force: bool) -> None:
    """Seed the demo office (when the database is empty); print the logins and codes to try, every time."""
    engine = _engine()
    if force or demo.is_empty(engine):
        demo.seed(engine)
        click.echo("Demo office seeded.")
    else:
        click.echo("The database already has appointments; demo not seeded again.")
        if demo.is_demo(engine):
            demo.refresh(engine)
    click.echo("Sign in at /desk with:")
    for line in demo.login_lines(engine):
        click.echo(line)
    codes = demo.kiosk_codes(engine)
    if codes:
        click.echo("Appointment codes to check in at the kiosk now:")
        for line in codes:
            click.echo(line)
    else:
        click.echo("No appointment is due within the hour; book one at /desk/booking to try the kiosk.")


@cli.group()
def staff() -> None:
    """Staff accounts."""


@staff.command("add")
@click.argument("username")
@click.option("--name", required=True, help="Full name shown to colleagues.")
@click.option("--role", type=click.Choice(accounts.ROLES), default="staff", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def staff_add(username: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (or update its name, role and password)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    engine = _engine()
    try:
        engine.add_staff(username, name=name, role=role, password=password)
    except QueueError as error:
        _fail(error)
    click.echo(f"Staff account {username} ({role}) saved.")


@cli.group()
def token() -> None:
    """API bearer tokens."""


@token.command("create")
@click.argument("username")
def token_create(username: str) -> None:
    """Print a new bearer token for USERNAME (shown once; only its hash is stored)."""
    engine = _engine()
    try:
        click.echo(engine.create_token(username))
    except QueueError as error:
        _fail(error)


@cli.command("purge")
def purge() -> None:
    """Erase personal data older than the retention; anonymous timings stay for statistics."""
    engine = _engine()
    result = engine.purge()
    click.echo(f"Purged personal data of {result.appointments} appointments and {result.tickets} tickets"
               f" older than {engine.office.retention_days} days.")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--service", default=None, help="Service for rows/events that do not name one.")
def import_command(path: str, service: str | None) -> None:
    """Import appointments from a CSV or iCalendar (.ics) file of another booking system."""
    engine = _engine()
    try:
        result = import_file(engine, path, service)
    except QueueError as error:
        _fail(error)
    click.echo(f"Booked {len(result.booked)} appointments.")
    for where, reason in result.errors:
        click.echo(f"  not booked (line/event {where}): {reason}", err=True)
    if result.errors:
        raise SystemExit(1)


@cli.command("simulate")
@click.option("--staff", "staff_count", default=5, show_default=True, help="Caseworkers on duty (standard office).")
@click.option("--appointments", default=40, show_default=True, help="Appointments booked per day (standard office).")
@click.option("--walk-ins", default=60, show_default=True, help="Visitors without appointment per day.")
@click.option("--office", "own_office", is_flag=True,
              help="Simulate this office's own configuration (TOML plus admin settings) instead of the standard one.")
@click.option("--rate", type=float, default=None, help="Walk-ins per hour (Poisson); overrides --walk-ins.")
@click.option("--share", type=float, default=None, help="Share of slots booked, 0–1; overrides --appointments.")
@click.option("--slot", "slot_min", default=30, show_default=True, help="Minutes per appointment slot.")
@click.option("--service-times", type=click.Choice(["lognormal", "exponential"]), default="lognormal",
              show_default=True, help="How visit lengths vary around the service's minutes.")
@click.option("--cv", default=0.5, show_default=True, help="Spread of log-normal visit lengths.")
@click.option("--no-show", default=0.06, show_default=True, help="Share of appointments not kept.")
@click.option("--lateness", default=-8.0, show_default=True, help="Mean arrival, minutes after the start.")
@click.option("--lateness-sd", default=6.0, show_default=True, help="Spread of arrivals, minutes.")
@click.option("--confidence", type=float, default=None, help="Try another gap_fill_confidence.")
@click.option("--warmup-days", default=0, show_default=True, help="Days run first so the model learns.")
@click.option("--sweep", is_flag=True, help="Print the planner's table: share of slots × walk-in rate.")
@click.option("--save", is_flag=True, help="With --sweep: keep the table for the report page (/reports).")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same day).")
@click.option("--days", default=1, show_default=True, help="Office days to simulate, one after another.")
@click.option("--database", default=None, help="Keep the simulated days in this SQLite file.")
def simulate(staff_count: int, appointments: int, walk_ins: int, own_office: bool, rate: float | None,
             share: float | None, slot_min: int, service_times: str, cv: float, no_show: float, lateness: float,
             lateness_sd: float, confidence: float | None, warmup_days: int, sweep: bool, save: bool, seed: int,
             days: int, database: str | None) -> None:
    """Run office days on the real engine with a virtual clock: punctuality, walk-in waits, turned
    away, and how good the walk-ins' estimates were; with --sweep, the capacity planner's table."""
    for option, value in (("--staff", staff_count), ("--days", days), ("--slot", slot_min)):
        if value < 1:
            raise click.BadParameter("must be at least 1", param_hint=option)
    for option, value in (("--appointments", appointments), ("--walk-ins", walk_ins), ("--rate", rate or 0),
                          ("--warmup-days", warmup_days), ("--cv", cv)):
        if value < 0:
            raise click.BadParameter("must not be negative", param_hint=option)
    for option, value in (("--share", share or 0), ("--no-show", no_show)):
        if not 0 <= value <= 1:
            raise click.BadParameter("must lie between 0 and 1", param_hint=option)
    plain = not (own_office or rate is not None or share is not None or sweep or confidence is not None
                 or warmup_days or service_times != "lognormal")
    if plain:
        report = run_day(staff=staff_count, appointments=appointments, walk_ins=walk_ins, seed=seed,
                         days=days, database=database)
        click.echo(format_report(report))
        return
    office = _engine().office if own_office else simulated_office(staff_count)
    if confidence is not None:
        if not 0.5 <= confidence <= 0.999:
            raise click.BadParameter("must lie between 0.5 and 0.999", param_hint="--confidence")
        office = replace(office, gap_fill_confidence=confidence)
    open_minutes = sum(i.minutes() for i in office.hours.get("mon", ())) or 480
    scenario = Scenario(
        walk_ins_per_hour=rate if rate is not None else walk_ins * 60 / open_minutes,
        appointment_share=share if share is not None else min(1.0, appointments * slot_min / (
            max(1, len(office.staff)) * open_minutes)),
        slot_min=slot_min, service_times=service_times, cv=cv, no_show=no_show, lateness_mean=lateness,
        lateness_sd=lateness_sd, seed=seed, days=days, warmup_days=warmup_days,
        appointment_mix=None if own_office else tuple(APPOINTMENT_MIX),
        walk_in_mix=None if own_office else tuple(WALK_IN_MIX))
    try:
        if sweep:
            rows = planner_sweep(office, scenario)
            click.echo(format_sweep(rows))
            if save:
                engine = _engine()
                save_sweep(engine.db, rows, scenario, engine.now())
                click.echo("Saved for the report page.")
        else:
            click.echo(format_report(run_simulation(office, scenario, database)))
    except QueueError as error:
        _fail(error)


@cli.command("backup")
@click.argument("path", type=click.Path(file_okay=True, dir_okay=True))
@click.option("--keep", type=click.IntRange(min=1), default=None,
              help="PATH is a folder: keep only the newest N backups in it.")
@click.option("--every", type=click.IntRange(min=1), default=None, metavar="MINUTES",
              help="Keep running and make a backup into the folder PATH every MINUTES.")
def backup_command(path: str, keep: int | None, every: int | None) -> None:
    """Copy the running office's database to PATH (a new file, or a folder for dated copies)."""
    database = settings().database
    while True:
        now = datetime.now(timezone.utc)
        try:
            if keep or every or Path(path).is_dir():
                info = backup_into(database, path, now, keep)
            else:
                info = backup(database, path)
        except BackupError as error:
            if not every:
                _fail(error)
            click.echo(f"{now:%Y-%m-%d %H:%M:%S} UTC backup failed: {error.message}", err=True)
        else:
            click.echo(f"Backup written: {info.path} ({info.tickets} tickets, {info.appointments}"
                       f" appointments, newest event {info.newest_event or '-'}).")
        if not every:
            return
        time.sleep(every * 60)


@cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Restore without asking.")
def restore_command(path: str, yes: bool) -> None:
    """Replace the office's database by the backup PATH (only while no server runs)."""
    database = settings().database
    try:
        info = check(path)
    except BackupError as error:
        _fail(error)
    click.echo(f"Backup {path} is intact: {info.tickets} tickets, {info.appointments} appointments,"
               f" newest event {info.newest_event or '-'}.")
    if not yes:
        click.confirm(f"Replace {database} by it?", abort=True)
    try:
        aside = restore(path, database, datetime.now(timezone.utc))
    except BackupError as error:
        _fail(error)
    if aside:
        click.echo(f"The replaced database was kept as {aside} (delete it when no longer needed).")
    # The backup may hold personal data whose retention has run out since it was made.
    purged = _engine().purge()
    click.echo(f"Restored {database}; purged {purged.appointments} appointments past the retention.")


def main() -> None:
    cli(prog_name="terminpraxis")


@cli.command("send-notices")
@click.option("--once", is_flag=True, help="Send what is due now and exit (default: keep sending).")
def send_notices_command(once: bool) -> None:
    """Send the outbox's confirmations, reminders and notices (the server does this by itself)."""
    run_once = current_app.extensions.get("notice_tick")  # registered by booking_public.init_app
    if run_once is None:
        raise click.ClickException("this server has no online booking, so no notices to send")
    while True:
        done = run_once(current_app._get_current_object())
        click.echo(f"reminders queued {done['reminders']}, sent {done['sent']}, failed {done['failed']}")
        if once:
            engine = _engine()
            try:
                click.echo("outbox: " + ", ".join(f"{state} {n}" for state, n in outbox.counts(engine.db).items()))
            finally:
                engine.db.close()
            return
        time.sleep(float(settings().notify_interval_s))
