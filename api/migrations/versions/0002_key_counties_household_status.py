"""The 2026 labels: key counties, county name notes, household status

Revision ID: 0002
Revises: 0001

Counties gain `key_county` (国家乡村振兴重点帮扶县, 2021) and `name_note` (earlier names);
workers gain `household_status` (脱贫户 / 监测对象 / 一般) beside `registered_poor`.
Existing rows get values that agree with what they hold: the 20 key counties are the 14
deep-poverty counties and six more (named below; reloading the data sets them too), and
a registered-poor worker is 脱贫户, every other one 一般.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Key counties that were not deep-poverty counties: 务川, 织金, 松桃, 锦屏, 剑河, 罗甸.
EXTRA_KEY_COUNTIES = ("wuchuan", "zhijin", "songtao", "jinping", "jianhe", "luodian")


def upgrade() -> None:
    with op.batch_alter_table("counties", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("key_county", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("name_note", sa.String(length=128), nullable=False, server_default="")
        )
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "household_status", sa.String(length=8), nullable=False, server_default="一般"
            )
        )
    counties = sa.table(
        "counties",
        sa.column("county_code", sa.String),
        sa.column("deep_poverty", sa.Boolean),
        sa.column("key_county", sa.Boolean),
    )
    op.execute(
        counties.update()
        .where(counties.c.deep_poverty | counties.c.county_code.in_(EXTRA_KEY_COUNTIES))
        .values(key_county=True)
    )
    workers = sa.table(
        "workers", sa.column("registered_poor", sa.Boolean), sa.column("household_status")
    )
    op.execute(workers.update().where(workers.c.registered_poor).values(household_status="脱贫户"))


def downgrade() -> None:
    # Plain ALTER TABLE … DROP COLUMN (SQLite 3.35+ has it): a batch "move and copy" would
    # drop and rebuild tables that other tables' foreign keys point to.
    op.drop_column("workers", "household_status")
    op.drop_column("counties", "name_note")
    op.drop_column("counties", "key_county")
