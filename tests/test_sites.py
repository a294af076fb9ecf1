import pytest

from archiver.sites import FAMILIES, RegistryError, load_registry, slug_for_url


def test_bundled_registry_loads_and_every_site_is_unverified_until_checked():
    registry = load_registry()
    assert "hubei_jingzhou" in registry
    assert registry["guangxi_hechi"].columns[1].endswith("id=402")
    for profile in registry.values():
        assert profile.family in FAMILIES + (None,)
        assert profile.verified is False


@pytest.mark.parametrize(
    "toml, message",
    [
        ('[[site]]\nslug="Bad Slug"\nname="x"\nregion="y"\ncolumns=["http://a/"]', "slug must be"),
        ('[[site]]\nslug="a"\nname="x"\nregion="y"\ncolumns=[]', "columns must be"),
        ('[[site]]\nslug="a"\nname="x"\nregion="y"\ncolumns=["ftp://a/"]', "not an http(s) URL"),
        ('[[site]]\nslug="a"\nname="x"\nregion="y"\nfamily="wordpress"\ncolumns=["http://a/"]', "family must be"),
        ('[[site]]\nslug="a"\nname="x"\nregion="y"\ncolumns=["http://a/"]\ncolour="red"', "unknown keys"),
        ('[[site]]\nslug="a"\nname="x"\nregion="y"\ncolumns=["http://a/"]\n[[site]]\nslug="a"\nname="x"\nregion="y"\ncolumns=["http://b/"]', "duplicate slug"),
        ('[[site]\nslug=', "Expected"),
        # issue #16: overrides are applied, so a broken one is a load-time error, not N failures
        ('[[site]]\nslug="a"\nname="x"\nregion="y"\ncolumns=["http://a/"]\n[site.overrides]\n'
         'body_xpath="//div[@class=\'x\'"', "overrides.body_xpath .* is not a valid XPath"),
        ('[[site]]\nslug="a"\nname="x"\nregion="y"\ncolumns=["http://a/"]\n[site.overrides]\n'
         'encoding="gbk2"', "overrides.encoding 'gbk2' is not an encoding"),
        ('[[site]]\nslug="a"\nname="x"\nregion="y"\ncolumns=["http://a/"]\n[site.overrides]\n'
         'date_xpath=""', "overrides.date_xpath must be a non-empty string"),
    ],
)
def test_invalid_registry_entries_are_named(tmp_path, toml, message):
    path = tmp_path / "sites.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(RegistryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_registry(path)


def test_unregistered_urls_get_a_slug_from_their_host():
    registry = load_registry()
    assert slug_for_url("http://www.hbjzszx.gov.cn/ldjh/index_2.shtml", registry) == "hubei_jingzhou"
    assert slug_for_url("http://127.0.0.1:8123/ldjh/index.shtml", registry) == "site_127_0_0_1_8123"
    assert slug_for_url("https://www.example.gov.cn/x", registry) == "site_example_gov_cn"
