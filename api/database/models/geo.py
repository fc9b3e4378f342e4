"""Where things are: prefectures, counties, partner cities, townships, villages.

Ids are the data set's own stable keys (`weining`, `T00001`, `V000001`), so a data
directory loads idempotently and the API speaks the same ids as the files. Multi-valued
columns (`*_codes`) hold the files' `;`-separated codes; the API exposes them as lists.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from api.database.base import Base


class Prefecture(Base):
    __tablename__ = "prefectures"

    prefecture_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    short_name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class County(Base):
    __tablename__ = "counties"

    county_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    short_name_zh: Mapped[str] = mapped_column(String(32))
    name_en: Mapped[str] = mapped_column(String(64))
    prefecture_code: Mapped[str] = mapped_column(
        ForeignKey("prefectures.prefecture_code"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    # 深度贫困县 (2017–2020), kept for history; the priority list since 2021 is key_county.
    deep_poverty: Mapped[bool] = mapped_column(Boolean)
    # 国家乡村振兴重点帮扶县 (2021): the 14 deep-poverty counties and six more.
    key_county: Mapped[bool] = mapped_column(Boolean, default=False)
    # earlier names and renamings, e.g. 原水城县；2020年撤县设水城区
    name_note: Mapped[str] = mapped_column(String(128), default="")


class PartnerCity(Base):
    __tablename__ = "partner_cities"

    city_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    province_zh: Mapped[str] = mapped_column(String(32))
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Township(Base):
    __tablename__ = "townships"

    township_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("counties.county_code"), index=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    extremely_poor: Mapped[bool] = mapped_column(Boolean)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)


class Village(Base):
    __tablename__ = "villages"

    village_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    township_id: Mapped[str] = mapped_column(ForeignKey("townships.township_id"), index=True)
    county_code: Mapped[str] = mapped_column(ForeignKey("counties.county_code"), index=True)
    prefecture_code: Mapped[str] = mapped_column(
        ForeignKey("prefectures.prefecture_code"), index=True
    )
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    deep_poverty: Mapped[bool] = mapped_column(Boolean)
    extremely_poor_township: Mapped[bool] = mapped_column(Boolean)
    ethnic_code: Mapped[str] = mapped_column(String(16))
    language_codes: Mapped[str] = mapped_column(String(128))
    population: Mapped[int] = mapped_column(Integer)
    poor_households: Mapped[int] = mapped_column(Integer)
    industry_codes: Mapped[str] = mapped_column(String(256))
