"""The first schema: places, people, needs, postings, history, accounts, runs, records

Revision ID: 0001
Revises:
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_dataset_meta")),
    )
    op.create_table(
        "partner_cities",
        sa.Column("city_code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("province_zh", sa.String(length=32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("city_code", name=op.f("pk_partner_cities")),
    )
    op.create_table(
        "prefectures",
        sa.Column("prefecture_code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("short_name_zh", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("prefecture_code", name=op.f("pk_prefectures")),
    )
    op.create_table(
        "counties",
        sa.Column("county_code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("short_name_zh", sa.String(length=32), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("prefecture_code", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("deep_poverty", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["prefecture_code"],
            ["prefectures.prefecture_code"],
            name=op.f("fk_counties_prefecture_code_prefectures"),
        ),
        sa.PrimaryKeyConstraint("county_code", name=op.f("pk_counties")),
    )
    with op.batch_alter_table("counties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_counties_prefecture_code"), ["prefecture_code"], unique=False
        )

    op.create_table(
        "postings",
        sa.Column("posting_id", sa.String(length=32), nullable=False),
        sa.Column("partner_city_code", sa.String(length=32), nullable=False),
        sa.Column("city_reference", sa.String(length=64), nullable=True),
        sa.Column("employer_id", sa.String(length=16), nullable=False),
        sa.Column("employer_name_zh", sa.String(length=128), nullable=False),
        sa.Column("title_zh", sa.String(length=128), nullable=False),
        sa.Column("industry_code", sa.String(length=16), nullable=False),
        sa.Column("positions", sa.Integer(), nullable=False),
        sa.Column("wage_yuan_month", sa.Integer(), nullable=False),
        sa.Column("required_skill_codes", sa.String(length=256), nullable=False),
        sa.Column("required_certificate_codes", sa.String(length=256), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("max_age", sa.Integer(), nullable=False),
        sa.Column("housing", sa.Boolean(), nullable=False),
        sa.Column("meals", sa.Boolean(), nullable=False),
        sa.Column("earmarked_prefecture_codes", sa.String(length=256), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_city_code"],
            ["partner_cities.city_code"],
            name=op.f("fk_postings_partner_city_code_partner_cities"),
        ),
        sa.PrimaryKeyConstraint("posting_id", name=op.f("pk_postings")),
        sa.UniqueConstraint(
            "partner_city_code",
            "city_reference",
            name=op.f("uq_postings_partner_city_code_city_reference"),
        ),
    )
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_postings_partner_city_code"), ["partner_city_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_postings_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_postings_status"), ["status"], unique=False)

    op.create_table(
        "experts",
        sa.Column("expert_id", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("tier", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("home_county_code", sa.String(length=32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("industry_codes", sa.String(length=256), nullable=False),
        sa.Column("specialty_codes", sa.String(length=256), nullable=False),
        sa.Column("language_codes", sa.String(length=128), nullable=False),
        sa.Column("service_days_per_quarter", sa.Integer(), nullable=False),
        sa.Column("max_travel_km", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=16), nullable=False),
        sa.Column("available_periods", sa.String(length=128), nullable=False),
        sa.Column("profile_zh", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["home_county_code"],
            ["counties.county_code"],
            name=op.f("fk_experts_home_county_code_counties"),
        ),
        sa.PrimaryKeyConstraint("expert_id", name=op.f("pk_experts")),
    )
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_experts_home_county_code"), ["home_county_code"], unique=False
        )

    op.create_table(
        "townships",
        sa.Column("township_id", sa.String(length=16), nullable=False),
        sa.Column("county_code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("extremely_poor", sa.Boolean(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["counties.county_code"],
            name=op.f("fk_townships_county_code_counties"),
        ),
        sa.PrimaryKeyConstraint("township_id", name=op.f("pk_townships")),
    )
    with op.batch_alter_table("townships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_townships_county_code"), ["county_code"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("display_name_zh", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("county_code", sa.String(length=32), nullable=True),
        sa.Column("expert_id", sa.String(length=16), nullable=True),
        sa.Column("city_code", sa.String(length=32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'province')"
            " OR (role = 'county' AND county_code IS NOT NULL)"
            " OR (role = 'expert' AND expert_id IS NOT NULL)"
            " OR (role = 'city' AND city_code IS NOT NULL)",
            name=op.f("ck_users_scope_matches_role"),
        ),
        sa.ForeignKeyConstraint(
            ["city_code"],
            ["partner_cities.city_code"],
            name=op.f("fk_users_city_code_partner_cities"),
        ),
        sa.ForeignKeyConstraint(
            ["county_code"], ["counties.county_code"], name=op.f("fk_users_county_code_counties")
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.expert_id"], name=op.f("fk_users_expert_id_experts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_city_code"), ["city_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_county_code"), ["county_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_users_expert_id"), ["expert_id"], unique=False)

    op.create_table(
        "villages",
        sa.Column("village_id", sa.String(length=16), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("township_id", sa.String(length=16), nullable=False),
        sa.Column("county_code", sa.String(length=32), nullable=False),
        sa.Column("prefecture_code", sa.String(length=32), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("deep_poverty", sa.Boolean(), nullable=False),
        sa.Column("extremely_poor_township", sa.Boolean(), nullable=False),
        sa.Column("ethnic_code", sa.String(length=16), nullable=False),
        sa.Column("language_codes", sa.String(length=128), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("poor_households", sa.Integer(), nullable=False),
        sa.Column("industry_codes", sa.String(length=256), nullable=False),
        sa.ForeignKeyConstraint(
            ["county_code"], ["counties.county_code"], name=op.f("fk_villages_county_code_counties")
        ),
        sa.ForeignKeyConstraint(
            ["prefecture_code"],
            ["prefectures.prefecture_code"],
            name=op.f("fk_villages_prefecture_code_prefectures"),
        ),
        sa.ForeignKeyConstraint(
            ["township_id"],
            ["townships.township_id"],
            name=op.f("fk_villages_township_id_townships"),
        ),
        sa.PrimaryKeyConstraint("village_id", name=op.f("pk_villages")),
    )
    with op.batch_alter_table("villages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_villages_county_code"), ["county_code"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_villages_prefecture_code"), ["prefecture_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_villages_township_id"), ["township_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("entity", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_entity"), ["entity"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "needs",
        sa.Column("need_id", sa.String(length=16), nullable=False),
        sa.Column("village_id", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("industry_code", sa.String(length=16), nullable=False),
        sa.Column("skill_codes", sa.String(length=128), nullable=False),
        sa.Column("language_code", sa.String(length=16), nullable=False),
        sa.Column("days_needed", sa.Integer(), nullable=False),
        sa.Column("experts_wanted", sa.Integer(), nullable=False),
        sa.Column("urgency", sa.Integer(), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.village_id"], name=op.f("fk_needs_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("need_id", name=op.f("pk_needs")),
    )
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_needs_period"), ["period"], unique=False)
        batch_op.create_index(batch_op.f("ix_needs_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_needs_village_id"), ["village_id"], unique=False)

    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title_zh", sa.String(length=128), nullable=False),
        sa.Column("body_zh", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notifications_user_id"), ["user_id"], unique=False)

    op.create_table(
        "worker_groups",
        sa.Column("group_id", sa.String(length=16), nullable=False),
        sa.Column("village_id", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["village_id"],
            ["villages.village_id"],
            name=op.f("fk_worker_groups_village_id_villages"),
        ),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_worker_groups")),
    )
    with op.batch_alter_table("worker_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_worker_groups_village_id"), ["village_id"], unique=False
        )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("expert_id", sa.String(length=16), nullable=False),
        sa.Column("need_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.expert_id"], name=op.f("fk_decisions_expert_id_experts")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.need_id"], name=op.f("fk_decisions_need_id_needs")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_decisions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
        sa.UniqueConstraint(
            "expert_id", "need_id", "kind", name=op.f("uq_decisions_expert_id_need_id_kind")
        ),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_decisions_need_id"), ["need_id"], unique=False)

    op.create_table(
        "match_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("scope_kind", sa.String(length=12), nullable=False),
        sa.Column("scope_code", sa.String(length=32), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("based_on_run_id", sa.Integer(), nullable=True),
        sa.Column("rematch_need_id", sa.String(length=16), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=True),
        sa.Column("objective", sa.Float(), nullable=True),
        sa.Column("bound", sa.Float(), nullable=True),
        sa.Column("gap", sa.Float(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["based_on_run_id"],
            ["match_runs.id"],
            name=op.f("fk_match_runs_based_on_run_id_match_runs"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by"], ["users.id"], name=op.f("fk_match_runs_published_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["rematch_need_id"], ["needs.need_id"], name=op.f("fk_match_runs_rematch_need_id_needs")
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_match_runs_requested_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_runs")),
    )
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_runs_lease_expires_at"), ["lease_expires_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_match_runs_scope_code"), ["scope_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_match_runs_state"), ["state"], unique=False)

    op.create_table(
        "visits",
        sa.Column("visit_id", sa.String(length=32), nullable=False),
        sa.Column("expert_id", sa.String(length=16), nullable=False),
        sa.Column("need_id", sa.String(length=16), nullable=False),
        sa.Column("village_id", sa.String(length=16), nullable=False),
        sa.Column("visit_date", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.expert_id"], name=op.f("fk_visits_expert_id_experts")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.need_id"], name=op.f("fk_visits_need_id_needs")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.village_id"], name=op.f("fk_visits_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("visit_id", name=op.f("pk_visits")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_visits_village_id"), ["village_id"], unique=False)

    op.create_table(
        "workers",
        sa.Column("worker_id", sa.String(length=16), nullable=False),
        sa.Column("village_id", sa.String(length=16), nullable=False),
        sa.Column("registered_poor", sa.Boolean(), nullable=False),
        sa.Column("age", sa.Integer(), nullable=False),
        sa.Column("gender", sa.String(length=4), nullable=False),
        sa.Column("education", sa.String(length=8), nullable=False),
        sa.Column("skill_codes", sa.String(length=256), nullable=False),
        sa.Column("certificate_codes", sa.String(length=256), nullable=False),
        sa.Column("intended_industry_codes", sa.String(length=256), nullable=False),
        sa.Column("intended_city_codes", sa.String(length=256), nullable=False),
        sa.Column("willing_far", sa.Boolean(), nullable=False),
        sa.Column("expected_wage_yuan", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(length=16), nullable=True),
        sa.Column("self_description_zh", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["worker_groups.group_id"], name=op.f("fk_workers_group_id_worker_groups")
        ),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.village_id"], name=op.f("fk_workers_village_id_villages")
        ),
        sa.PrimaryKeyConstraint("worker_id", name=op.f("pk_workers")),
    )
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_workers_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_workers_village_id"), ["village_id"], unique=False)

    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("market", sa.String(length=8), nullable=False),
        sa.Column("expert_id", sa.String(length=16), nullable=True),
        sa.Column("need_id", sa.String(length=16), nullable=True),
        sa.Column("worker_id", sa.String(length=16), nullable=True),
        sa.Column("posting_id", sa.String(length=32), nullable=True),
        sa.Column("county_code", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=True),
        sa.Column("explanation", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["county_code"],
            ["counties.county_code"],
            name=op.f("fk_assignments_county_code_counties"),
        ),
        sa.ForeignKeyConstraint(
            ["expert_id"], ["experts.expert_id"], name=op.f("fk_assignments_expert_id_experts")
        ),
        sa.ForeignKeyConstraint(
            ["need_id"], ["needs.need_id"], name=op.f("fk_assignments_need_id_needs")
        ),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["postings.posting_id"], name=op.f("fk_assignments_posting_id_postings")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["match_runs.id"], name=op.f("fk_assignments_run_id_match_runs")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.worker_id"], name=op.f("fk_assignments_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assignments_county_code"), ["county_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignments_expert_id"), ["expert_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_need_id"), ["need_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_posting_id"), ["posting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_run_id"), ["run_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_worker_id"), ["worker_id"], unique=False)

    op.create_table(
        "placements",
        sa.Column("placement_id", sa.String(length=32), nullable=False),
        sa.Column("worker_id", sa.String(length=16), nullable=False),
        sa.Column("posting_id", sa.String(length=32), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("with_group", sa.Boolean(), nullable=False),
        sa.Column("retained_6m", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["posting_id"], ["postings.posting_id"], name=op.f("fk_placements_posting_id_postings")
        ),
        sa.ForeignKeyConstraint(
            ["worker_id"], ["workers.worker_id"], name=op.f("fk_placements_worker_id_workers")
        ),
        sa.PrimaryKeyConstraint("placement_id", name=op.f("pk_placements")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_posting_id"), ["posting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_worker_id"), ["worker_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placements_worker_id"))
        batch_op.drop_index(batch_op.f("ix_placements_posting_id"))

    op.drop_table("placements")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_worker_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_state"))
        batch_op.drop_index(batch_op.f("ix_assignments_run_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_posting_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_need_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_expert_id"))
        batch_op.drop_index(batch_op.f("ix_assignments_county_code"))

    op.drop_table("assignments")
    with op.batch_alter_table("workers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_workers_village_id"))
        batch_op.drop_index(batch_op.f("ix_workers_group_id"))

    op.drop_table("workers")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_village_id"))
        batch_op.drop_index(batch_op.f("ix_visits_need_id"))
        batch_op.drop_index(batch_op.f("ix_visits_expert_id"))

    op.drop_table("visits")
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_runs_state"))
        batch_op.drop_index(batch_op.f("ix_match_runs_scope_code"))
        batch_op.drop_index(batch_op.f("ix_match_runs_lease_expires_at"))

    op.drop_table("match_runs")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_need_id"))
        batch_op.drop_index(batch_op.f("ix_decisions_expert_id"))

    op.drop_table("decisions")
    with op.batch_alter_table("worker_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_worker_groups_village_id"))

    op.drop_table("worker_groups")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_user_id"))

    op.drop_table("notifications")
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_needs_village_id"))
        batch_op.drop_index(batch_op.f("ix_needs_status"))
        batch_op.drop_index(batch_op.f("ix_needs_period"))

    op.drop_table("needs")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_entity_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_entity"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
    with op.batch_alter_table("villages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_villages_township_id"))
        batch_op.drop_index(batch_op.f("ix_villages_prefecture_code"))
        batch_op.drop_index(batch_op.f("ix_villages_county_code"))

    op.drop_table("villages")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_expert_id"))
        batch_op.drop_index(batch_op.f("ix_users_county_code"))
        batch_op.drop_index(batch_op.f("ix_users_city_code"))

    op.drop_table("users")
    with op.batch_alter_table("townships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_townships_county_code"))

    op.drop_table("townships")
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_experts_home_county_code"))

    op.drop_table("experts")
    with op.batch_alter_table("postings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_postings_status"))
        batch_op.drop_index(batch_op.f("ix_postings_period"))
        batch_op.drop_index(batch_op.f("ix_postings_partner_city_code"))

    op.drop_table("postings")
    with op.batch_alter_table("counties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counties_prefecture_code"))

    op.drop_table("counties")
    op.drop_table("prefectures")
    op.drop_table("partner_cities")
    op.drop_table("dataset_meta")
