"""Rates an installation adds to the tables shipped in ``relance/core/data``.

Append-only: a row is never edited or deleted; a later row laid over the same days wins
(``--replace``), so the history of what was claimed with which rate stays readable.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models

from relance.accounts.models import User
from relance.core.rates import TABLE_FIELDS


class AddedRate(models.Model):
    table = models.CharField(max_length=40, choices=[(name, name) for name in TABLE_FIELDS])
    start = models.DateField()
    end = models.DateField()  # included
    rate = models.DecimalField(max_digits=7, decimal_places=4)  # percent a year
    source = models.TextField()
    verified = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    replace = models.BooleanField(default=False)  # laid over days already covered
    added_at = models.DateTimeField()
    added_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    added_by_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar[list[str]] = ["id"]
        verbose_name = "taux ajouté"
        verbose_name_plural = "taux ajoutés"

    def __str__(self) -> str:
        return f"{self.table} {self.start:%Y-%m-%d} → {self.end:%Y-%m-%d} : {self.rate} %"
