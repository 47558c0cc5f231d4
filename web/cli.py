"""The `terminpraxis` command: set up the database, seed the demo, manage staff, purge, simulate."""
from __future__ import annotations

import sys

import click
from flask import current_app

from queue_core import accounts, retention
from queue_core.errors import QueueError
from queue_core.simulation import run_day, format_report

from . import create_app, demo
from .engine import open_engine


@click.group()
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Terminpraxis: an appointment-first waiting-room system.

    Configuration comes from TERMINPRAXIS_CONFIG (a TOML file), TERMINPRAXIS_DATABASE and other
    TERMINPRAXIS_* variables; see docs/configuration.md.
    """
    from .config import ConfigError

    try:
        app = create_app({"ASYNC_MODE": "threading"})
    except (ConfigError, QueueError) as error:
        raise click.ClickException(f"configuration error: {getattr(error, 'message', error)}") from None
    ctx.with_resource(app.app_context())


def _engine():
    engine = open_engine(current_app)
    accounts.sync_caseworkers(engine.db, engine.office, engine.now())
    return engine


def _fail(error: QueueError) -> None:
    raise click.ClickException(error.message)


@cli.command("init-db")
def init_db() -> None:
    """Create or migrate the database and register the configured caseworkers."""
    _engine()
    click.echo(f"Database ready: {current_app.config['DATABASE']}")


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
        accounts.add_staff(engine.db, username, name=name, role=role, password=password, now=engine.now())
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
        click.echo(accounts.create_token(engine.db, username, engine.now()))
    except QueueError as error:
        _fail(error)


@cli.command("purge")
def purge() -> None:
    """Erase personal data older than the retention; anonymous timings stay for statistics."""
    engine = _engine()
    result = retention.purge(engine)
    click.echo(f"Purged personal data of {result.appointments} appointments and {result.tickets} tickets"
               f" older than {engine.office.retention_days} days.")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--service", default=None, help="Service for rows/events that do not name one.")
def import_command(path: str, service: str | None) -> None:
    """Import appointments from a CSV or iCalendar (.ics) file of another booking system."""
    from desk.importer import import_file

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
@click.option("--staff", "staff_count", default=5, show_default=True, help="Caseworkers on duty.")
@click.option("--appointments", default=40, show_default=True, help="Appointments booked for the day.")
@click.option("--walk-ins", default=60, show_default=True, help="Visitors without appointment.")
@click.option("--seed", default=1, show_default=True, help="Random seed (same seed, same day).")
@click.option("--days", default=1, show_default=True, help="Office days to simulate, one after another.")
@click.option("--database", default=None, help="Keep the simulated days in this SQLite file.")
def simulate(staff_count: int, appointments: int, walk_ins: int, seed: int, days: int,
             database: str | None) -> None:
    """Run office days on the real engine with a virtual clock and print waits and punctuality."""
    for option, value in (("--staff", staff_count), ("--days", days)):
        if value < 1:
            raise click.BadParameter("must be at least 1", param_hint=option)
    for option, value in (("--appointments", appointments), ("--walk-ins", walk_ins)):
        if value < 0:
            raise click.BadParameter("must not be negative", param_hint=option)
    report = run_day(staff=staff_count, appointments=appointments, walk_ins=walk_ins, seed=seed,
                     days=days, database=database)
    click.echo(format_report(report))


def main() -> None:
    cli(prog_name="terminpraxis")
