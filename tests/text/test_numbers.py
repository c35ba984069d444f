from dedup.text.numbers import find_numbers, numbers_match


def one(text):
    ms = find_numbers(text)
    assert len(ms) == 1, ms
    return ms[0]


def test_hyphenated_unit_and_spelled_out_match():
    a = one("a nearly 2.5-hour intervention")
    b = one("an address that lasted almost two and a half hours")
    assert (a.value, a.unit, a.approx) == (2.5, "hour", True)
    assert (b.value, b.unit, b.approx) == (2.5, "hour", True)
    assert numbers_match(a, b)
    c = one("a two-and-a-half-hour talk")
    assert (c.value, c.unit) == (2.5, "hour")


def test_digits_words_scales():
    assert one("1,000 people").value == 1000
    assert one("thirty-five days").value == 35
    assert one("a million").value == 1_000_000
    m = one("nearly a million")
    assert m.value == 1_000_000 and m.approx
    assert one("one hundred and five").value == 105
    assert one("a 30-day deadline").unit == "day"


def test_fractions_percent_money():
    assert one("half of them").value == 0.5
    assert one("a quarter of voters").value == 0.25
    assert one("two thirds").value == 2 / 3
    p, q = find_numbers("5% and 5 percent")
    assert p.unit == q.unit == "percent" and numbers_match(p, q)
    x, y = find_numbers("$3 million and 3 million dollars")
    assert x.value == y.value == 3e6 and x.unit == y.unit == "$"


def test_ordinals_years_approx():
    m = find_numbers("the eighth in eight months")
    assert m[0].is_ordinal and m[0].value == 8
    assert m[1].unit == "month" and not m[1].is_ordinal
    assert one("In 1998 the chain was sold").unit == "year"
    assert one("more than 200 people").approx


def test_numbers_match_tolerance():
    f = one
    assert not numbers_match(f("4.4%"), f("4.6%"))
    assert numbers_match(f("1,627.84"), f("1,628"))
    assert numbers_match(f("0.44 percent"), f("0.4%"))
    assert not numbers_match(f("$3.2 million"), f("$3 million"))
    assert not numbers_match(f("19 cents"), f("20 cents"))
    assert numbers_match(f("about 20 cents"), f("19 cents"))
    assert not numbers_match(f("5 hours"), f("5 days"))


def test_bounds_are_not_exact_values():
    from dedup.text.numbers import find_numbers, numbers_match

    def m(a, b):
        return numbers_match(find_numbers(a)[0], find_numbers(b)[0])
    assert not m("more than 11,000 customers", "11,000 customers")
    assert not m("$250,000 or more", "$250,000")
    assert not m("below 60 percent", "60 percent")
    assert not m("less than 5 people", "more than 5 people")
    assert m("over 2,000 people", "more than 2,000 people")
    assert m("more than 2,000 people", "about 2,100 people")
    assert m("nearly 2.5 hours", "2.4 hours")


def test_decades_cover_their_years():
    d = one("a takeover battle in the 1980s")
    assert (d.text, d.value, d.unit, d.span) == ("1980s", 1980.0, "year", 10.0)
    assert numbers_match(one("the sale in 1985"), d) and numbers_match(d, one("the sale in 1985"))
    assert not numbers_match(one("the sale in 1991"), d)
    age = one("even into his 90s")
    assert (age.text, age.value, age.span) == ("90s", 90.0, 10.0)
    assert numbers_match(one("after he turned 94"), age)
    assert not numbers_match(one("after he turned 89"), age)
    assert one("the 1900s").span == 100.0
    # a plural of an amount is not a decade
    assert [m.span for m in find_numbers("$50s and 1.50s and 3s")] == [0.0, 0.0, 0.0]
    assert one("in 1985").span == 0.0


def test_vulgar_fractions():
    a = one("it contains 2 ½ servings")
    assert (a.text, a.value) == ("2 ½", 2.5)
    assert numbers_match(a, one("it contains 2.5 servings"))
    assert (one("2¾ cups").value, one("¼ mile").value, one("¼ mile").unit) == (2.75, 0.25, "mile")


def test_texts_without_digits_still_find_number_words():
    # the cheap pre-check lets through every digit, written fraction and number word, in any case
    assert [m.value for m in find_numbers("TWENTY-EIGHT people and a Third of them")] == [28.0, 1 / 3]
    assert [m.value for m in find_numbers("the Fifth time in half an hour")] == [5.0, 0.5]
    assert [m.value for m in find_numbers("about ¾ of it")] == [0.75]
    assert find_numbers("no quantity here, only words") == []


def test_quarter_and_half_of_the_year_are_periods_not_fractions():
    assert [(m.text, m.unit) for m in find_numbers("In the first quarter of this year")] == [("first", "ordinal")]
    assert find_numbers("profit fell last quarter") == []
    assert [m.text for m in find_numbers("in the 2nd half")] == ["2nd"]
    # a fraction is still one
    assert [m.value for m in find_numbers("a quarter of the vote and half of the seats")] == [0.25, 0.5]


def test_decimal_comma_before_a_scale_and_plural_scales_after_digits():
    assert (one("1,2 million women").value, one("about 3,4 million before").value) == (1_200_000.0, 3_400_000.0)
    assert (one("rose 4,5% today").value, one("rose 4,5% today").unit) == (4.5, "percent")
    assert numbers_match(one("1,2 million women"), one("1.2 million women"))
    # thousands separators and lists are unchanged
    assert one("1,200 people").value == 1200.0
    assert [m.value for m in find_numbers("items 1,2 and 3")] == [1.0, 2.0, 3.0]
    assert one("with 1.1 millions youths").value == 1_100_000.0
    assert find_numbers("millions of people") == []
