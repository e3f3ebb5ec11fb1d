"""The title-name table: levels, series, short forms."""

from zhicheng.validators.titles import canonical_title, fits_level, is_no_title, title_level, title_levels, title_series


def test_levels_of_common_titles():
    assert title_level("工程师") == "中级"
    assert title_level("高工") == "副高级"
    assert title_level("正高工") == "正高级"
    assert title_level("主治医师") == "中级"
    assert title_level("副主任护师") == "副高级"
    assert title_level("主管药师") == "中级"
    assert title_level("技士") == "员级"
    assert title_level("助理兽医师") == "助理级"
    assert title_level("农业技术推广研究员") == "正高级"
    assert title_level("副教授") == "副高级"
    assert title_level("高级经济师") == "副高级"
    assert title_level("一级教师") == "中级"


def test_old_teacher_names_are_not_read_by_their_ending():
    assert title_level("小学高级教师") == "中级"
    assert title_level("中学高级教师") == "副高级"
    assert title_level("高级教师") == "副高级"


def test_series_of_titles():
    assert title_series("主治医师") == {"卫生"}
    assert "工程" in title_series("高级工程师")
    assert title_series("讲师") >= {"高校教师", "中等职业学校教师"}
    assert title_series("不知道的名称") == set()


def test_ambiguous_and_unknown_names():
    assert title_level("技师") is None  # 卫生 助理级, 电影放映 中级
    assert title_levels("技师") == {"助理级", "中级"}
    assert title_level("技师", "卫生") == "助理级"
    assert title_level("高级技师") is None  # a skill level, not a title
    assert canonical_title("高级技师") == (None, False)
    assert title_level("无") is None


def test_names_with_a_major_in_front_are_matched_by_ending():
    assert canonical_title("电气工程师") == ("工程师", False)
    assert canonical_title("建筑高级工程师") == ("高级工程师", False)
    assert canonical_title("工程师（建筑）") == ("工程师", True)


def test_fits_level():
    assert fits_level("高级工程师", "中级") is False
    assert fits_level("高级工程师", "副高级") is True
    assert fits_level("助理工程师", "初级") is True
    assert fits_level("技术员", "初级") is True
    assert fits_level("某某师", "中级") is None


def test_no_title_markers():
    assert is_no_title("无") and is_no_title("无职称") and not is_no_title("") and not is_no_title("工程师")


def test_senior_titles_marked_as_professor_level():
    assert title_level("高级工程师（教授级）") == "正高级"
    assert title_level("高级工程师(正高级)") == "正高级"
    assert title_level("高级工程师（机电）") == "副高级"
