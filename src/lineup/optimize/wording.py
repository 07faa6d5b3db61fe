"""The optimiser's words: money, shares and short id lists, as every rule and message writes them."""

from __future__ import annotations

__all__ = ["format_money", "pct", "some_ids", "money_tol", "SYMBOLS"]

#: Currency symbols written before an amount; other codes are written after it.
SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "JPY": "¥", "INR": "₹"}


def format_money(amount: float, currency: str, whole: bool = False, decimals: int | None = None) -> str:
    """``amount`` with thousands separators and the currency's symbol (or code): lineup's one money formatter.

    Whole amounts have no decimals; others show two (``whole=True`` rounds to a whole amount);
    ``decimals`` fixes the number of decimals (small unit costs: ``decimals=4``).

    Examples
    --------
    >>> format_money(18400, "GBP"), format_money(1234.5, "USD"), format_money(-99, "EUR")
    ('£18,400', '$1,234.50', '-€99')
    >>> format_money(1234, "CHF"), format_money(195.5, "GBP", whole=True), format_money(0.01234, "GBP", decimals=4)
    ('1,234 CHF', '£196', '£0.0123')
    """
    amount = float(amount)
    if whole:
        amount = float(f"{amount:.0f}")
    sign = "-" if amount < 0 and round(abs(amount), 2 if decimals is None else decimals) > 0 else ""
    a = abs(amount)
    if decimals is not None:
        text = f"{a:,.{decimals}f}"
    else:
        text = f"{a:,.0f}" if abs(a - round(a)) < 0.005 else f"{a:,.2f}"
    code = str(currency).upper()
    symbol = SYMBOLS.get(code)
    return f"{sign}{symbol}{text}" if symbol else f"{sign}{text} {currency}"


def pct(share: float) -> str:
    """A fraction as a percentage: one decimal only when needed.

    >>> pct(0.5), pct(0.4731)
    ('50%', '47.3%')
    """
    p = 100.0 * float(share)
    return f"{p:.0f}%" if abs(p - round(p)) < 0.05 else f"{p:.1f}%"


def some_ids(ids, limit: int = 3) -> str:
    """The first ``limit`` ids, and how many more.

    >>> some_ids(["a", "b", "c", "d", "e"])
    'a, b, c and 2 more'
    """
    ids = [str(i) for i in ids]
    shown = ", ".join(ids[:limit])
    return shown if len(ids) <= limit else f"{shown} and {len(ids) - limit} more"


def money_tol(amount: float, tol: float) -> float:
    """The tolerance ``tol`` relative to ``amount`` (at least ``tol`` in absolute terms).

    >>> money_tol(5_000, 1e-6), money_tol(0.5, 1e-6)
    (0.005, 1e-06)
    """
    return tol * max(1.0, abs(amount))
